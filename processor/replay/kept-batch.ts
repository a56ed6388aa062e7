import type { KinesisStreamRecord } from "aws-lambda";
import * as z from "zod";

/**
 * A batch the event source mapping gave up on, as Lambda writes it to an S3 on-failure destination: the invocation
 * record (why and where: `requestContext`, `KinesisBatchInfo`) and, in `payload`, the whole invocation as a JSON
 * object (the Kinesis event, every record with its data). That object is what AWS writes (LocalStack's snapshot
 * recorded against AWS, test_kinesis_event_source_mapping_with_s3_on_failure_destination; our copy is
 * test/fixtures/aws-s3-on-failure-record.json); the example in AWS's guide shows `payload` as an escaped JSON
 * string, so a string is parsed too. The local mapping runner writes the object.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export interface KeptBatch {
  /** Where it was read from (an S3 URL or a file path): every report line names it. */
  readonly source: string;
  readonly condition: string;
  readonly shardId: string;
  readonly records: KinesisStreamRecord[];
}

export class KeptBatchError extends Error {
  override readonly name = "KeptBatchError";
}

const recordSchema = z.looseObject({
  kinesis: z.looseObject({
    partitionKey: z.string(),
    sequenceNumber: z.string(),
    data: z.string(),
    approximateArrivalTimestamp: z.number(),
  }),
  eventID: z.string(),
  eventSourceARN: z.string(),
});

const invocationRecordSchema = z.looseObject({
  requestContext: z.looseObject({ condition: z.string() }),
  KinesisBatchInfo: z.looseObject({ shardId: z.string(), batchSize: z.number() }),
  payload: z.union([z.looseObject({}), z.string()], {
    error: (issue) =>
      issue.input === undefined
        ? "has no payload: an SQS or SNS on-failure record holds only the batch's position, not its records"
        : "must be the invocation: a JSON object (as AWS writes it) or that object as a JSON string",
  }),
});

const payloadSchema = z.looseObject({ Records: z.array(recordSchema).min(1, "holds no records") });

/** Reads one kept batch; a file that is not one fails with a message naming it and what is wrong. */
export function parseKeptBatch(source: string, text: string): KeptBatch {
  const record = invocationRecordSchema.safeParse(parseJson(source, text, "the file"));
  if (!record.success) throw new KeptBatchError(`${source}: ${describe(record.error)}`);
  const invocation = record.data.payload;
  const payload = payloadSchema.safeParse(
    typeof invocation === "string" ? parseJson(source, invocation, "its payload") : invocation,
  );
  if (!payload.success) throw new KeptBatchError(`${source}: payload ${describe(payload.error)}`);
  const { batchSize, shardId } = record.data.KinesisBatchInfo;
  const records = payload.data.Records as unknown as KinesisStreamRecord[];
  if (records.length !== batchSize) {
    throw new KeptBatchError(
      `${source}: KinesisBatchInfo.batchSize is ${batchSize} but the payload holds ${records.length} records`,
    );
  }
  return { source, condition: record.data.requestContext.condition, shardId, records };
}

function parseJson(source: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KeptBatchError(`${source}: ${what} is not JSON (${(err as Error).message})`);
  }
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "it"} ${issue.message}`).join("; ");
}
