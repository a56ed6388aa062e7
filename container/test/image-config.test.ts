import { describe, expect, it } from "vitest";
import type { ImageConfig } from "../lib/buildah.js";
import {
  buildahRunArgs,
  healthcheckCommand,
  imageConfig,
  numericUid,
  processArgs,
} from "../lib/image-config.js";

const config: ImageConfig = {
  User: "1000:1000",
  WorkingDir: "/app",
  Env: ["NODE_ENV=production", "PORT=3000"],
  Entrypoint: ["node", "/app/main.js"],
  Cmd: ["--flag"],
  Healthcheck: { Test: ["CMD", "node", "-e", "probe()"] },
};

describe("buildahRunArgs", () => {
  it("passes the image's user, working directory, env and entry point, overrides last", () => {
    const args = buildahRunArgs({
      container: "c1",
      config,
      env: { PORT: "4000" },
      volumes: { "/tmp/spool": "/var/lib/spool" },
    });

    expect(args).toEqual([
      "run",
      "--isolation",
      "chroot",
      "--user",
      "1000:1000",
      "--workingdir",
      "/app",
      "--env",
      "NODE_ENV=production",
      "--env",
      "PORT=3000",
      "--env",
      "PORT=4000",
      "--volume",
      "/tmp/spool:/var/lib/spool",
      "c1",
      "--",
      "node",
      "/app/main.js",
      "--flag",
    ]);
  });

  it("runs a probe command instead of the entry point, still as the image's user", () => {
    const args = buildahRunArgs({ container: "c1", config, command: ["node", "-e", "0"] });

    expect(args.slice(args.indexOf("--"))).toEqual(["--", "node", "-e", "0"]);
    expect(args.slice(3, 5)).toEqual(["--user", "1000:1000"]);
  });
});

describe("image config helpers", () => {
  it("refuses an image without ENTRYPOINT or CMD", () => {
    expect(() => processArgs({ Entrypoint: null, Cmd: [] })).toThrow(/neither ENTRYPOINT nor CMD/);
  });

  it("prefers the Docker config (it keeps HEALTHCHECK) and fails without any", () => {
    const oci: ImageConfig = { User: "2" };
    expect(imageConfig({ FromImageID: "x", Docker: { config }, OCIv1: { config: oci } })).toBe(config);
    expect(imageConfig({ FromImageID: "x", OCIv1: { config: oci } })).toBe(oci);
    expect(() => imageConfig({ FromImageID: "x" })).toThrow(/neither a Docker nor an OCI config/);
  });

  it("turns HEALTHCHECK forms into commands as Docker does", () => {
    expect(healthcheckCommand(config)).toEqual(["node", "-e", "probe()"]);
    expect(healthcheckCommand({ Healthcheck: { Test: ["CMD-SHELL", "curl -f x"] } })).toEqual([
      "/bin/sh",
      "-c",
      "curl -f x",
    ]);
    expect(healthcheckCommand({ Healthcheck: { Test: ["NONE"] } })).toBeUndefined();
    expect(healthcheckCommand({})).toBeUndefined();
  });

  it("reads numeric users only", () => {
    expect(numericUid("1000:1000")).toBe(1000);
    expect(numericUid("0")).toBe(0);
    expect(numericUid("node")).toBeUndefined();
    expect(numericUid(undefined)).toBeUndefined();
  });
});
