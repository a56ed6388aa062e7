import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket/index.js";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy/index.js";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js";
import { Construct } from "constructs";
import { httpsOnlyDocument } from "./iam-documents.js";

/** S3's limit on `bucket_prefix` (Terraform appends a 26-character unique suffix). */
const BUCKET_PREFIX_MAX = 37;
const SUFFIX = "-failed-batches-";

/**
 * A bucket name prefix from the stack name: bucket names are global, lowercase, and allow no `_`, so the stack's
 * name is folded to fit and Terraform makes the name unique.
 */
export function failedBatchBucketPrefix(stackName: string): string {
  const folded = stackName.toLowerCase().replace(/_/g, "-");
  return `${folded.slice(0, BUCKET_PREFIX_MAX - SUFFIX.length).replace(/-+$/, "")}${SUFFIX}`;
}

export interface FailedBatchBucketProps {
  readonly stackName: string;
  /** Days a kept batch stays before S3 deletes it: time to notice the alarm and replay. */
  readonly retentionDays: number;
}

/**
 * The mapping's on-failure destination: Lambda writes each batch it gives up on here as one object, the whole
 * invocation (`payload`) beside the failure record, so nothing depends on the stream's retention any more.
 * Private (every public access blocked, the bucket owner owns every object), encrypted (SSE-S3: the function's
 * role needs no KMS grant), HTTPS only, emptied by a lifecycle rule, and removed by `npm run destroy` even when
 * it holds objects (`force_destroy`), as deleting the original stack removed everything.
 */
export class FailedBatchBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: FailedBatchBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucketPrefix: failedBatchBucketPrefix(props.stackName),
      forceDestroy: true,
    });
    const bucket = this.bucket.id;
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-kept-batches",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.retentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const httpsOnly = httpsOnlyDocument(this, "https-only-document", "s3:*", [
      this.bucket.arn,
      `${this.bucket.arn}/*`,
    ]);
    // After the public access block: S3 refuses a bucket policy and a block being set at the same moment.
    new S3BucketPolicy(this, "https-only", { bucket, policy: httpsOnly.json, dependsOn: [publicAccess] });
  }
}
