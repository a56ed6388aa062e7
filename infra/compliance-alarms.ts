import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { Construct } from "constructs";

/** Where the sweeper's EMF metrics land (compliance/metrics.ts writes the same namespace). */
export const COMPLIANCE_METRICS_NAMESPACE = "Tweetstream/Compliance";

export interface ComplianceAlarmsProps {
  readonly prefix: string;
  readonly functionName: string;
  readonly topicArn: string | undefined;
}

/**
 * Two alarms: a sweep reported errors (X or DynamoDB failed, the token is missing), and no sweep has
 * succeeded for two days (the function crashes, times out, or is not invoked at all).
 */
export class ComplianceAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ComplianceAlarmsProps) {
    super(scope, id);
    const actions =
      props.topicArn === undefined ? {} : { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    const metric = {
      namespace: COMPLIANCE_METRICS_NAMESPACE,
      dimensions: { FunctionName: props.functionName },
    };
    this.alarms = [
      new CloudwatchMetricAlarm(this, "errors", {
        ...actions,
        ...metric,
        alarmName: `${props.prefix}-compliance-sweep-errors`,
        alarmDescription:
          "A compliance sweep stopped on an error (X API, DynamoDB, or the X token secret has no value); it resumes next run.",
        metricName: "SweepErrors",
        statistic: "Sum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
        // Sweeps run once a day: no data in between is normal.
        treatMissingData: "notBreaching",
      }),
      new CloudwatchMetricAlarm(this, "no-success", {
        ...actions,
        ...metric,
        alarmName: `${props.prefix}-compliance-no-successful-sweep`,
        alarmDescription:
          "No compliance sweep succeeded for two days: stored posts are no longer kept in line with X.",
        metricName: "SweepSucceeded",
        statistic: "Sum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        // Two one-day periods (CloudWatch allows up to 7 days of periods × evaluation periods): a daily
        // schedule gives one data point a day, so two empty days in a row means nothing succeeded.
        period: 86_400,
        evaluationPeriods: 2,
        // A sweeper that never runs publishes nothing: missing data is exactly what this alarm is about.
        treatMissingData: "breaching",
      }),
    ];
  }
}
