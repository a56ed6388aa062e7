import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";

export interface StackOutputValues {
  readonly region: string;
  readonly streamName: string;
  readonly tableName: string;
  readonly functionName: string;
  readonly deadLetterQueueUrl: string;
  /** The failed-batch bucket's name. */
  readonly failedBatchBucket: string;
  readonly accessKey: { readonly id: string; readonly secretAccessKey: string } | undefined;
  readonly producerRoleArn: string | undefined;
  /** The compliance sweeper's function and token secret; undefined with COMPLIANCE=off. */
  readonly compliance?: { readonly functionName: string; readonly tokenSecretArn: string } | undefined;
}

/**
 * The original stack's four outputs under their original names (AccessKeyId, SecretAccessKey, KinesisStream,
 * Region), then what an operator needs next. Declared directly on the stack so Terraform uses these names as given.
 */
export function addStackOutputs(stack: Construct, values: StackOutputValues): void {
  if (values.accessKey !== undefined) {
    new TerraformOutput(stack, "AccessKeyId", {
      value: values.accessKey.id,
      description: "Access key id of the producer's IAM user",
    });
    new TerraformOutput(stack, "SecretAccessKey", {
      value: values.accessKey.secretAccessKey,
      description: "Secret of the producer's access key (PGP-encrypted and base64 when a PGP key was given)",
      sensitive: true,
    });
  }
  if (values.producerRoleArn !== undefined) {
    new TerraformOutput(stack, "ProducerRoleArn", {
      value: values.producerRoleArn,
      description: "Role for the producer's container task to run as",
    });
  }
  new TerraformOutput(stack, "KinesisStream", {
    value: values.streamName,
    description: "Name of the Kinesis stream",
  });
  new TerraformOutput(stack, "Region", { value: values.region, description: "Region of every resource" });
  new TerraformOutput(stack, "TableName", {
    value: values.tableName,
    description: "DynamoDB table of tweets",
  });
  new TerraformOutput(stack, "FunctionName", { value: values.functionName, description: "Processor Lambda" });
  new TerraformOutput(stack, "DeadLetterQueueUrl", {
    value: values.deadLetterQueueUrl,
    description:
      "SQS queue of the processor's dead letters: records that can never be written, with the reason",
  });
  new TerraformOutput(stack, "FailedBatchBucket", {
    value: values.failedBatchBucket,
    description:
      "S3 bucket of the batches the mapping gave up on, each kept whole: replay them with npm run replay",
  });
  if (values.compliance !== undefined) {
    new TerraformOutput(stack, "ComplianceFunctionName", {
      value: values.compliance.functionName,
      description: "Compliance sweeper Lambda (runs daily; invoke it to sweep now)",
    });
    new TerraformOutput(stack, "ComplianceTokenSecretArn", {
      value: values.compliance.tokenSecretArn,
      description: "Secret that must hold the X bearer token: the stack creates it without a value",
    });
    new TerraformOutput(stack, "ComplianceSetTokenCommand", {
      value: `aws secretsmanager put-secret-value --region ${values.region} --secret-id ${values.compliance.tokenSecretArn} --secret-string $X_BEARER_TOKEN`,
      description:
        "The one command that gives the sweeper its token (reads it from your shell's X_BEARER_TOKEN)",
    });
  }
  new TerraformOutput(stack, "ProducerEnv", {
    value: `KINESIS_STREAM_NAME=${values.streamName}\nAWS_REGION=${values.region}\n`,
    description: "The producer's settings for this stack, as a `docker run --env-file` file",
  });
}
