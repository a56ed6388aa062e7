import { describe, expect, it } from "vitest";
import { readInfraConfig } from "../config.js";
import { grantsOf, policyAttachments, policyDocuments, privilegeViolations } from "./iam-walk.js";
import { refTo, resourcesOf, synthesize, type TerraformJson } from "./synth.js";

const ON = { COMPLIANCE: "on" };
const UNSCOPABLE = new Set(["kinesis:ListStreams"]);

const sweeperOf = (tf: TerraformJson) =>
  resourcesOf(tf, "aws_lambda_function").find((fn) => fn.function_name === "tweetstream-ComplianceSweeper");

function refToNamed(tf: TerraformJson, type: string, name: string, attribute: string): string {
  const entry = Object.entries(tf.resource[type] ?? {}).find(([, block]) => block.name === name);
  if (!entry) throw new Error(`no ${type} named ${name}`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}

describe("compliance sweeper infrastructure", () => {
  it("is on by default: a Lambda with the processor's runtime, its secret, schedule and log group", () => {
    expect(readInfraConfig({}).compliance).toEqual({
      schedule: "rate(1 day)",
      memoryMb: 1024,
      timeoutSeconds: 900,
      dryRun: false,
      reserveConcurrency: false,
    });
    const tf = synthesize(ON);
    const secret = refTo(tf, "aws_secretsmanager_secret", "arn");

    expect(sweeperOf(tf)).toMatchObject({
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 900,
      memory_size: 1024,
      role: refToNamed(tf, "aws_iam_role", "tweetstream-ComplianceSweeper-role", "arn"),
      environment: {
        variables: {
          TABLE_NAME: refTo(tf, "aws_dynamodb_table", "name"),
          X_BEARER_TOKEN_SECRET_ARN: secret,
          COMPLIANCE_DRY_RUN: "false",
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
    });
    expect(resourcesOf(tf, "aws_cloudwatch_log_group").map((g) => g.name)).toContain(
      "/aws/lambda/tweetstream-ComplianceSweeper",
    );
    expect(resourcesOf(tf, "aws_cloudwatch_event_rule")).toEqual([
      expect.objectContaining({ name: "tweetstream-compliance-sweep", schedule_expression: "rate(1 day)" }),
    ]);
    const sweeperRef = (attribute: string) =>
      `\${aws_lambda_function.${Object.entries(tf.resource.aws_lambda_function ?? {}).find(([, f]) => f.function_name === "tweetstream-ComplianceSweeper")?.[0]}.${attribute}}`;
    expect(resourcesOf(tf, "aws_cloudwatch_event_target")).toEqual([
      expect.objectContaining({
        arn: sweeperRef("arn"),
        rule: refTo(tf, "aws_cloudwatch_event_rule", "name"),
      }),
    ]);
    expect(resourcesOf(tf, "aws_lambda_permission")).toEqual([
      expect.objectContaining({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        function_name: sweeperRef("function_name"),
        source_arn: refTo(tf, "aws_cloudwatch_event_rule", "arn"),
      }),
    ]);
  });

  it("never runs two sweeps on one checkpoint: no retries of an async invocation; reserved concurrency 1 on request", () => {
    const tf = synthesize(ON);
    const fn = Object.entries(tf.resource.aws_lambda_function ?? {}).find(
      ([, f]) => f.function_name === "tweetstream-ComplianceSweeper",
    );
    const reserving = Object.values(
      synthesize({ ...ON, COMPLIANCE_RESERVE_CONCURRENCY: "true" }).resource.aws_lambda_function ?? {},
    ).find((f) => f.function_name === "tweetstream-ComplianceSweeper");

    // Off by default: an account limited to 10 concurrent executions cannot reserve any, and the deploy would fail.
    expect(fn?.[1]).not.toHaveProperty("reserved_concurrent_executions");
    expect(reserving).toMatchObject({ reserved_concurrent_executions: 1 });
    expect(resourcesOf(tf, "aws_lambda_function_event_invoke_config")).toEqual([
      expect.objectContaining({
        function_name: `\${aws_lambda_function.${fn?.[0]}.function_name}`,
        maximum_retry_attempts: 0,
      }),
    ]);
  });

  it("creates the token secret but never its value: nothing in the Terraform (hence the state) holds a token", () => {
    const tf = synthesize(ON);

    expect(resourcesOf(tf, "aws_secretsmanager_secret")).toEqual([
      expect.objectContaining({ name: "tweetstream-x-bearer-token", recovery_window_in_days: 0 }),
    ]);
    expect(tf.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(JSON.stringify(tf)).not.toMatch(/secret_string|secret_binary/);
    expect(String(tf.output.ComplianceSetTokenCommand?.value)).toContain(
      `aws secretsmanager put-secret-value --region us-east-1 --secret-id ${refTo(tf, "aws_secretsmanager_secret", "arn")}`,
    );
  });

  it("the sweeper may only Scan/Query/BatchWriteItem/UpdateItem its table, read its secret, write its logs", () => {
    const tf = synthesize(ON);
    const policy = resourcesOf(tf, "aws_iam_role_policy").find((p) => p.name === "compliance-sweeper");
    const id = /aws_iam_policy_document\.([^.]+)\.json/.exec(String(policy?.policy))?.[1] ?? "";
    const logs = `${refToNamed(tf, "aws_cloudwatch_log_group", "/aws/lambda/tweetstream-ComplianceSweeper", "arn")}:*`;

    const grants = grantsOf(policyDocuments(tf).get(id) ?? []);

    const table = refTo(tf, "aws_dynamodb_table", "arn");
    expect(Object.fromEntries(grants)).toEqual({
      "dynamodb:BatchWriteItem": [table],
      "dynamodb:Query": [table],
      "dynamodb:Scan": [table],
      "dynamodb:UpdateItem": [table],
      "secretsmanager:GetSecretValue": [refTo(tf, "aws_secretsmanager_secret", "arn")],
      "logs:CreateLogStream": [logs],
      "logs:PutLogEvents": [logs],
    });
    expect(privilegeViolations(tf, UNSCOPABLE)).toEqual([]);
    expect(policyAttachments(tf).length).toBe(policyDocuments(tf).size);
  });

  it("alarms on sweep errors and on no successful sweep for two days (missing data breaches)", () => {
    const tf = synthesize({ ...ON, ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:ops" });
    const alarms = Object.fromEntries(
      resourcesOf(tf, "aws_cloudwatch_metric_alarm").map((a) => [a.alarm_name, a]),
    );
    const dimensions = { FunctionName: expect.stringContaining("aws_lambda_function.") };

    expect(alarms["tweetstream-compliance-sweep-errors"]).toMatchObject({
      namespace: "Tweetstream/Compliance",
      metric_name: "SweepErrors",
      dimensions,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treat_missing_data: "notBreaching",
      alarm_actions: ["arn:aws:sns:us-east-1:123456789012:ops"],
    });
    const noSuccess = alarms["tweetstream-compliance-no-successful-sweep"];
    expect(noSuccess).toMatchObject({
      namespace: "Tweetstream/Compliance",
      metric_name: "SweepSucceeded",
      statistic: "Sum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      period: 86_400,
      evaluation_periods: 2,
      treat_missing_data: "breaching",
    });
    // CloudWatch refuses an alarm whose periods × evaluation periods exceed 7 days.
    expect(Number(noSuccess?.period) * Number(noSuccess?.evaluation_periods)).toBeLessThanOrEqual(7 * 86_400);
  });

  it("outputs the function, the secret and the command that sets it", () => {
    const tf = synthesize(ON);

    expect(Object.keys(tf.output)).toEqual(
      expect.arrayContaining([
        "ComplianceFunctionName",
        "ComplianceTokenSecretArn",
        "ComplianceSetTokenCommand",
      ]),
    );
  });

  it("takes its schedule, memory, timeout and dry run from the environment", () => {
    const tf = synthesize({
      ...ON,
      COMPLIANCE_SCHEDULE: "cron(0 3 * * ? *)",
      COMPLIANCE_MEMORY_MB: "2048",
      COMPLIANCE_TIMEOUT_SECONDS: "600",
      COMPLIANCE_DRY_RUN: "true",
    });

    expect(resourcesOf(tf, "aws_cloudwatch_event_rule")[0]?.schedule_expression).toBe("cron(0 3 * * ? *)");
    expect(sweeperOf(tf)).toMatchObject({
      memory_size: 2048,
      timeout: 600,
      environment: { variables: expect.objectContaining({ COMPLIANCE_DRY_RUN: "true" }) },
    });
  });

  it("COMPLIANCE=off removes the sweeper, its role, secret, schedule, alarms and outputs", () => {
    const on = synthesize(ON);
    const off = synthesize({ COMPLIANCE: "off" });
    const count = (tf: TerraformJson) =>
      Object.fromEntries(Object.entries(tf.resource).map(([type, byId]) => [type, Object.keys(byId).length]));

    expect(sweeperOf(off)).toBeUndefined();
    for (const type of [
      "aws_secretsmanager_secret",
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_lambda_permission",
      "aws_lambda_function_event_invoke_config",
    ])
      expect(off.resource[type]).toBeUndefined();
    expect(count(on).aws_lambda_function).toBe((count(off).aws_lambda_function ?? 0) + 1);
    expect(count(on).aws_iam_role).toBe((count(off).aws_iam_role ?? 0) + 1);
    expect(count(on).aws_cloudwatch_metric_alarm).toBe((count(off).aws_cloudwatch_metric_alarm ?? 0) + 2);
    expect(Object.keys(off.output).filter((name) => name.startsWith("Compliance"))).toEqual([]);
  });

  it.each([
    [{ COMPLIANCE: "maybe" }, /COMPLIANCE: expected on or off/],
    [
      { COMPLIANCE_SCHEDULE: "every day" },
      /COMPLIANCE_SCHEDULE: expected an EventBridge schedule expression/,
    ],
    [
      { COMPLIANCE_SCHEDULE: "rate(10 minutes)" },
      /COMPLIANCE_SCHEDULE: must be longer than COMPLIANCE_TIMEOUT_SECONDS/,
    ],
    [{ COMPLIANCE_TIMEOUT_SECONDS: "901" }, /COMPLIANCE_TIMEOUT_SECONDS/],
  ])("refuses %o with a line naming the variable", (env, message) => {
    expect(() => readInfraConfig(env)).toThrow(message);
  });
});
