// The alarms are data (alarm-list.ts): the synthesized stack makes exactly those rows, their EMF metrics are the
// ones the Lambdas publish, and the READMEs' alarm table, counts and cost are held to them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { metricsLine } from "../../compliance/metrics.js";
import type { SweepSummary } from "../../compliance/summary.js";
import { METRICS_DIMENSION, METRICS_NAMESPACE, PROCESSOR_METRICS } from "../../processor/metrics.js";
import {
  COMPLIANCE_METRICS_NAMESPACE,
  PROCESSOR_METRICS_NAMESPACE,
  SUBJECT_DIMENSION,
} from "../alarm-list.js";
import { alarmTable, documentedRows, README, tableIn } from "../alarm-table.js";
import { resourcesOf, synthesize } from "./synth.js";

const rows = documentedRows();
const pipeline = rows.filter((row) => row.part === "pipeline");
const compliance = rows.filter((row) => row.part === "compliance");
const readme = readFileSync(README, "utf8");
const topReadme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

describe("alarms", () => {
  it.each([
    ["with the compliance sweeper", { COMPLIANCE: "on" }, rows],
    ["without it", {}, pipeline],
  ])("the stack %s makes one alarm per row, on the row's metric and dimension", (_, env, expected) => {
    // Act
    const alarms = resourcesOf(synthesize(env), "aws_cloudwatch_metric_alarm");

    // Assess
    const named = (row: { suffix: string }) =>
      alarms.find((a) => a.alarm_name === `tweetstream-${row.suffix}`);
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      expected.map((row) => `tweetstream-${row.suffix}`).sort(),
    );
    for (const row of expected) {
      expect(named(row)).toMatchObject({
        namespace: row.namespace,
        metric_name: row.metricName,
        threshold: row.threshold,
        treat_missing_data: row.missingData,
      });
      expect(Object.keys(named(row)?.dimensions as object)).toEqual([SUBJECT_DIMENSION[row.subject]]);
    }
  });

  it("alarms on the mapping's DroppedEventCount and its deliveries to the bucket, by the mapping's UUID", () => {
    const alarms = resourcesOf(synthesize(), "aws_cloudwatch_metric_alarm");
    const byMetric = (name: string) => alarms.find((a) => a.metric_name === name);

    for (const metric of ["DroppedEventCount", "OnFailureDestinationDeliveredEventCount"]) {
      expect(byMetric(metric)).toMatchObject({
        namespace: "AWS/Lambda",
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        dimensions: {
          EventSourceMappingUUID: expect.stringMatching(/^\$\{aws_lambda_event_source_mapping\..+\.uuid\}$/),
        },
      });
    }
  });

  it("alarms on Lambda's DestinationDeliveryFailures for the processor: a kept batch the bucket refused", () => {
    const alarms = resourcesOf(synthesize(), "aws_cloudwatch_metric_alarm");

    expect(alarms.find((a) => a.metric_name === "DestinationDeliveryFailures")).toMatchObject({
      namespace: "AWS/Lambda",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      dimensions: { FunctionName: expect.stringMatching(/^\$\{aws_lambda_function\..+\.function_name\}$/) },
    });
  });

  it("reads the processor's metrics as processor/metrics.ts publishes them (namespace, dimension, names)", () => {
    const emf = rows.filter((row) => row.namespace === PROCESSOR_METRICS_NAMESPACE);

    expect(PROCESSOR_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(emf.map((row) => row.metricName)).toEqual([
      "ItemsRefusedSystemic",
      "ItemsDeadLettered",
      "BatchesCutByDeadline",
    ]);
    for (const row of emf) {
      expect(PROCESSOR_METRICS).toContain(row.metricName);
      expect(SUBJECT_DIMENSION[row.subject]).toBe(METRICS_DIMENSION);
    }
  });

  it("reads the compliance metrics the sweeper publishes (namespace and names)", () => {
    // Prepare: an EMF line of the sweeper's, from its own code.
    const summary = { errors: 0, jobsFailed: 0, jobsExpired: 0, jobsResubmitted: 0, dryRun: false };
    const line = JSON.parse(metricsLine(summary as SweepSummary, "fn", 0));
    const [published] = line._aws.CloudWatchMetrics;

    // Assess
    expect(published.Namespace).toBe(COMPLIANCE_METRICS_NAMESPACE);
    const names = published.Metrics.map((m: { Name: string }) => m.Name);
    for (const row of compliance) expect(names).toContain(row.metricName);
  });
});

describe("the READMEs' alarms", () => {
  it("infra/README.md's alarm table is the one alarm-list.ts generates (npx tsx infra/alarm-table.ts --write)", () => {
    // Cells compared trimmed: a markdown formatter may align the columns.
    const cells = (table: string | undefined) =>
      (table ?? "")
        .split("\n")
        .map((line) => line.split("|").map((cell) => cell.trim().replace(/^-+$/, "-")));
    expect(cells(tableIn(readme))).toEqual(cells(alarmTable()));
  });

  it("counts the alarms as the stack makes them, in the resource tables and the cost at rest", () => {
    expect(readme).toContain(`| ${pipeline.length} CloudWatch alarms `);
    expect(readme).toContain(`| ${compliance.length} CloudWatch alarms `);
    expect(readme).toContain(
      `${pipeline.length} × $0.10 a month, ${rows.length} with the compliance sweeper`,
    );
    expect(topReadme).toContain(`${WORDS[compliance.length]} alarms fire on sweep errors`);
  });

  it("prices the EMF metrics the Lambdas publish, one custom metric each", () => {
    const summary = { errors: 0, jobsFailed: 0, jobsExpired: 0, jobsResubmitted: 0, dryRun: false };
    const [sweeper] = JSON.parse(metricsLine(summary as SweepSummary, "fn", 0))._aws.CloudWatchMetrics;
    const price = (count: number) => `${count} × $0.30 = $${(count * 0.3).toFixed(2)}`;

    expect(readme).toContain(
      `processor's ${PROCESSOR_METRICS.length} EMF metrics are ${PROCESSOR_METRICS.length} custom`,
    );
    expect(readme).toContain(price(PROCESSOR_METRICS.length));
    expect(readme).toContain(`the sweeper's ${sweeper.Metrics.length} add ${price(sweeper.Metrics.length)}`);
  });

  it("counts the resources and policy documents the stack makes without the sweeper", () => {
    const tf = synthesize();
    const resources = Object.values(tf.resource).reduce((sum, byId) => sum + Object.keys(byId).length, 0);
    const documents = Object.keys(tf.data.aws_iam_policy_document ?? {}).length;

    expect(readme).toContain(
      `Without it that is ${resources} resources (plus ${documents} IAM policy documents, which Terraform renders locally)`,
    );
  });
});
