import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { Construct } from "constructs";
import { type AlarmRow, type AlarmSubject, SUBJECT_DIMENSION } from "./alarm-list.js";

export interface StackAlarmsProps {
  /** Prefix of every alarm name; the stack passes its name. */
  readonly prefix: string;
  /** The rows to create (alarm-list.ts), already filtered to the parts the stack has. */
  readonly rows: readonly AlarmRow[];
  /** The dimension value of each subject the rows watch (function name, queue name, mapping UUID, ...). */
  readonly subjects: Partial<Record<AlarmSubject, string>>;
  /** SNS topic told when an alarm fires and when it clears; without one the alarms only show in the console. */
  readonly topicArn: string | undefined;
}

/** One CloudWatch alarm per row of alarm-list.ts. */
export class StackAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: StackAlarmsProps) {
    super(scope, id);
    const actions =
      props.topicArn === undefined ? {} : { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    this.alarms = props.rows.map((row) => {
      const value = props.subjects[row.subject];
      if (value === undefined)
        throw new Error(`alarm ${row.suffix} watches ${row.subject}, which the stack lacks`);
      return new CloudwatchMetricAlarm(this, row.suffix, {
        ...actions,
        alarmName: `${props.prefix}-${row.suffix}`,
        alarmDescription: row.description,
        namespace: row.namespace,
        metricName: row.metricName,
        dimensions: { [SUBJECT_DIMENSION[row.subject]]: value },
        statistic: row.statistic,
        comparisonOperator: row.comparison,
        threshold: row.threshold,
        period: row.periodSeconds,
        evaluationPeriods: row.evaluationPeriods,
        treatMissingData: row.missingData,
      });
    });
  }
}
