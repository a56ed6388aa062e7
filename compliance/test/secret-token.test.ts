import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTokenSecret, SecretsManagerClient } from "../secret-token.js";
import { startComplianceEnvironment } from "./support/environment.js";

// No Secrets Manager emulator is installed: a small endpoint speaking GetSecretValue's JSON protocol stands in,
// answering with a value, or with the error AWS gives for a secret that has none yet.
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tweetstream-x-bearer-token-AbCdEf";
let value: string | undefined;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const json = (status: number, body: object) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue")
        return json(400, { __type: "UnknownOperation" });
      if (value === undefined)
        return json(400, {
          __type: "ResourceNotFoundException",
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        });
      json(200, {
        ARN,
        Name: "tweetstream-x-bearer-token",
        SecretString: value,
        VersionStages: ["AWSCURRENT"],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = () =>
  new SecretsManagerClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });

describe("the bearer token from Secrets Manager", () => {
  it("reads the secret's value", async () => {
    value = "  token-from-the-secret\n";
    await expect(readTokenSecret(client(), ARN)).resolves.toBe("token-from-the-secret");
  });

  it("says that a secret without a value must be set, and how", async () => {
    value = undefined;
    await expect(readTokenSecret(client(), ARN)).rejects.toThrow(
      `X bearer token secret ${ARN} has no value yet: set it with \`aws secretsmanager put-secret-value\``,
    );
  });

  it("refuses an empty value", async () => {
    value = " ";
    await expect(readTokenSecret(client(), ARN)).rejects.toThrow(/could not be read \(Error: is empty\)/);
  });

  it("the deployed handler: a sweep fails while the secret has no value, and the next one reads it", async () => {
    value = undefined;
    const env = await startComplianceEnvironment({
      X_BEARER_TOKEN: "",
      X_BEARER_TOKEN_SECRET_ARN: ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    });
    try {
      await env.store([{ id: "7", username: "alice", authorId: "70" }]);
      env.x.compliance.deletePost("7");

      const first = await env.sweep();
      value = env.x.bearerToken;
      const second = await env.sweep();

      expect(first).toMatchObject({ errors: 1, itemsDeleted: 0, resumeNext: true });
      expect(second).toMatchObject({ errors: 0, itemsDeleted: 1, passCompleted: true });
    } finally {
      await env.close();
    }
  });
});
