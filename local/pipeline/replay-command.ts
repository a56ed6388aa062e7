import { LOCAL_CREDENTIALS } from "./aws-resources.js";
import type { LocalPipeline } from "./pipeline.js";

/**
 * The command that replays the local pipeline's kept batches into its table, with the processor's settings pointed
 * at the local emulators: `npm start` prints it when the mapping keeps a batch.
 */
export function localReplayCommand(pipeline: LocalPipeline, region: string): string {
  const env = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: pipeline.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: pipeline.endpoints.sqs,
    TABLE_NAME: pipeline.names.table,
    DLQ_URL: pipeline.sqs.queueUrl(pipeline.names.queue),
  };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return `${assignments.join(" ")} npm run replay -- ${pipeline.failedBatchesDir}`;
}
