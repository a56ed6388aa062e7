import { describe, expect, it } from "vitest";
import { deployWarnings } from "../app.js";
import { InfraConfigError, readInfraConfig } from "../config.js";
import { synthesize } from "./synth.js";

describe("where the state is kept", () => {
  it("uses TF_STATE_PATH as the local state file, as given (Terraform reads it from the stack directory)", () => {
    const tf = synthesize({ TF_STATE_PATH: "/srv/state/tweetstream.tfstate" });

    expect(tf.terraform.backend).toEqual({ local: { path: "/srv/state/tweetstream.tfstate" } });
  });

  it("refuses TF_STATE_PATH together with TF_STATE_BUCKET, naming the variable", () => {
    expect(() => readInfraConfig({ TF_STATE_PATH: "x.tfstate", TF_STATE_BUCKET: "my-tf-state" })).toThrow(
      new InfraConfigError(
        'Invalid infrastructure configuration:\n  TF_STATE_PATH: only applies to local state: unset it or TF_STATE_BUCKET (got "x.tfstate")',
      ),
    );
  });
});

describe("the warning before a deploy", () => {
  it("says the producer's secret would sit in plain text in local state, and what to do instead", () => {
    const [warning, ...more] = deployWarnings(readInfraConfig({}));

    expect(more).toEqual([]);
    expect(warning).toMatch(/secret access key will be stored in plain text in the local Terraform state/);
    for (const remedy of ["PRODUCER_IDENTITY=role", "PRODUCER_PGP_KEY", "TF_STATE_BUCKET"]) {
      expect(warning).toContain(remedy);
    }
  });

  it.each([
    ["a role (no key)", { PRODUCER_IDENTITY: "role" }],
    ["a PGP-encrypted secret", { PRODUCER_PGP_KEY: "keybase:someone" }],
    ["state in an encrypted S3 bucket", { TF_STATE_BUCKET: "my-tf-state" }],
  ])("is not given with %s", (_, env) => {
    expect(deployWarnings(readInfraConfig(env))).toEqual([]);
  });
});
