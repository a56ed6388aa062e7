import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table/index.js";
import { Construct } from "constructs";

export interface EventTableProps {
  /** The stack passes `<stack>-EventData`, the original's name. */
  readonly name: string;
  /** Number attribute holding an expiry time in epoch seconds; `undefined` keeps items forever. */
  readonly ttlAttribute: string | undefined;
  /** When on, Terraform (and anyone else) cannot delete the table until it is turned off again. */
  readonly deletionProtection: boolean;
  /** STANDARD or STANDARD_INFREQUENT_ACCESS (TABLE_CLASS; the trade-off is in config.ts and the README). */
  readonly tableClass: string;
}

/** One item per tweet, keyed as the original: `Username` (hash) and `Id` (range), both strings. */
export class EventTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: EventTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      hashKey: "Username",
      rangeKey: "Id",
      // Only key attributes are declared; the processor's other fields need no schema.
      attribute: [
        { name: "Username", type: "S" },
        { name: "Id", type: "S" },
      ],
      // On-demand: no capacity to plan for a bursty stream, and nothing to pay while idle but storage.
      billingMode: "PAY_PER_REQUEST",
      tableClass: props.tableClass,
      // 35 days of restore points: a bad deploy of the processor can be undone to the second.
      pointInTimeRecovery: { enabled: true },
      // Encrypt with the account's AWS-managed DynamoDB key (visible in CloudTrail) rather than an AWS-owned key.
      serverSideEncryption: { enabled: true },
      ...(props.ttlAttribute === undefined
        ? {}
        : { ttl: { attributeName: props.ttlAttribute, enabled: true } }),
      deletionProtectionEnabled: props.deletionProtection,
    });
  }
}
