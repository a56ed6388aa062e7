import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target/index.js";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission/index.js";
import { Construct } from "constructs";

export interface ComplianceScheduleProps {
  /** The stack passes `<stack>-compliance-sweep`. */
  readonly name: string;
  /** An EventBridge schedule expression: `rate(1 day)` by default (COMPLIANCE_SCHEDULE). */
  readonly scheduleExpression: string;
  readonly functionArn: string;
  readonly functionName: string;
}

/** An EventBridge rule that invokes the sweeper on a schedule, and the permission for it to do so. */
export class ComplianceSchedule extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ComplianceScheduleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.name,
      description: "Runs the compliance sweep",
      scheduleExpression: props.scheduleExpression,
    });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: props.functionArn });
    // Only this rule may invoke the function (SourceArn), not any rule of the account.
    new LambdaPermission(this, "invoke", {
      statementId: "AllowComplianceSchedule",
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
