import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";

const SECRET = "AAAA-bearer-secret-0123456789";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("info", destination), lines };
}

describe("createLogger", () => {
  it.each([
    ["a request's authorization header", { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
    ["a header map", { headers: { Authorization: `Bearer ${SECRET}` } }],
    ["ingest credentials", { options: { credentials: { bearerToken: SECRET } } }],
    ["an API key pair", { apiKey: SECRET, apiSecret: SECRET }],
    ["a nested token", { x: { auth: { token: SECRET } } }],
    ["AWS credentials", { aws: { secretAccessKey: SECRET, sessionToken: SECRET } }],
    ["environment variables", { env: { X_BEARER_TOKEN: SECRET, X_API_SECRET: SECRET } }],
  ])("redacts %s", (_, fields) => {
    // Prepare
    const { logger, lines } = capture();

    // Act
    logger.info(fields, "something happened");

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain("[redacted]");
  });

  it("keeps only the failure's own fields of an error carrying its request", () => {
    // Prepare: HTTP client errors keep the request, whose raw header text holds the token.
    const { logger, lines } = capture();
    const err = Object.assign(new Error("Request failed with code 401"), {
      code: "ERR_BAD_REQUEST",
      request: { _header: `GET /2/tweets/search/stream HTTP/1.1\r\nAuthorization: Bearer ${SECRET}\r\n` },
      cause: Object.assign(new Error("inner"), { config: { headers: { "x-token": SECRET } } }),
    });

    // Act
    logger.error({ err }, "stream failed");

    // Assess
    const line = JSON.parse(lines[0] ?? "{}");
    expect(lines[0]).not.toContain(SECRET);
    expect(line.err).toMatchObject({
      type: "Error",
      message: "Request failed with code 401",
      code: "ERR_BAD_REQUEST",
    });
    expect(line.err.cause).toMatchObject({ message: "inner" });
  });
});
