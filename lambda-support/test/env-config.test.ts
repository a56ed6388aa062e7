import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  blankAsMissing,
  integerFromEnv,
  LOG_LEVEL_VARIABLES,
  logLevelOf,
  problemsOf,
  required,
} from "../env-config.js";
import { createLambdaLogger } from "../logger.js";

const schema = z.object({
  TABLE_NAME: z.string({ error: required("the table", "a table name") }),
  WRITE_CONCURRENCY: integerFromEnv(4, 1, 64),
  ...LOG_LEVEL_VARIABLES,
});

describe("the config head both Lambdas share", () => {
  it("treats a blank variable as unset and names every problem without quoting values", () => {
    const parsed = schema.safeParse(blankAsMissing({ TABLE_NAME: "  ", WRITE_CONCURRENCY: "secret-99" }));

    expect(parsed.success).toBe(false);
    const problems = parsed.success ? [] : problemsOf(parsed.error);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe("TABLE_NAME is required: the table");
    expect(problems[1]).toMatch(/^WRITE_CONCURRENCY /);
    expect(problems.join(" ")).not.toContain("secret");
  });

  it("takes LOG_LEVEL over Lambda's AWS_LAMBDA_LOG_LEVEL (upper case), info when neither is set", () => {
    const level = (env: Record<string, string>) => logLevelOf(schema.parse({ TABLE_NAME: "t", ...env }));

    expect([
      level({}),
      level({ AWS_LAMBDA_LOG_LEVEL: "DEBUG" }),
      level({ AWS_LAMBDA_LOG_LEVEL: "DEBUG", LOG_LEVEL: "warn" }),
    ]).toEqual(["info", "debug", "warn"]);
  });

  it("logs JSON lines with the service, the level's name and a redacted secret", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLambdaLogger(
      { service: "sweeper", level: "info", redact: ["token"] },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );

    logger.info({ token: "s3cret", n: 1 }, "hello");
    logger.debug("not at info");

    expect(lines).toMatchObject([
      { service: "sweeper", level: "info", token: "[redacted]", n: 1, msg: "hello" },
    ]);
  });
});
