import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key/index.js";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user/index.js";
import { IamUserPolicy } from "@cdktf/provider-aws/lib/iam-user-policy/index.js";
import { Construct } from "constructs";
import { type Grant, permissionsDocument, trustDocument } from "./iam-documents.js";

export type ProducerIdentityKind =
  /** An IAM user with an access key, as the original: works anywhere, but the key lives until rotated. */
  | { readonly identity: "user"; readonly pgpKey: string | undefined }
  /** A role for a container platform to assume: short-lived credentials, nothing to store or rotate. */
  | { readonly identity: "role"; readonly trustedService: string };

export interface ProducerIdentityProps {
  /** The stack passes `<stack>-producer`, used for the user or the role. */
  readonly name: string;
  readonly streamArn: string;
  readonly kind: ProducerIdentityKind;
}

/** What the producer may do, whichever identity carries it: put records into this stream, and check it exists. */
function producerGrants(streamArn: string): Grant[] {
  return [
    // Only the batched call: the producer never sends PutRecord.
    { sid: "PutRecords", actions: ["kinesis:PutRecords"], resources: [streamArn] },
    // The producer's readiness check looks the stream up before reporting ready.
    { sid: "InspectStream", actions: ["kinesis:DescribeStreamSummary"], resources: [streamArn] },
  ];
}

/** The identity the producer container runs as. */
export class ProducerIdentity extends Construct {
  /** Set for `identity: "user"`. With a PGP key, `secretAccessKey` is the key's base64 PGP-encrypted form. */
  readonly accessKey: { readonly id: string; readonly secretAccessKey: string } | undefined;
  /** Set for `identity: "role"`. */
  readonly roleArn: string | undefined;

  constructor(scope: Construct, id: string, props: ProducerIdentityProps) {
    super(scope, id);
    const permissions = permissionsDocument(this, "permissions", producerGrants(props.streamArn));
    if (props.kind.identity === "user") {
      // force_destroy: a key created by hand (a rotation) would otherwise make `destroy` fail on this user.
      const user = new IamUser(this, "user", { name: props.name, forceDestroy: true });
      new IamUserPolicy(this, "policy", { name: "producer", user: user.name, policy: permissions.json });
      const pgpKey = props.kind.pgpKey;
      const key = new IamAccessKey(this, "key", {
        user: user.name,
        ...(pgpKey === undefined ? {} : { pgpKey }),
      });
      this.accessKey = {
        id: key.id,
        secretAccessKey: pgpKey === undefined ? key.secret : key.encryptedSecret,
      };
      this.roleArn = undefined;
    } else {
      const service = props.kind.trustedService;
      const account = new DataAwsCallerIdentity(this, "account");
      const role = new IamRole(this, "role", {
        name: props.name,
        assumeRolePolicy: trustDocument(this, "trust", service, {
          // EKS Pod Identity tags each session it opens; other services only assume the role.
          ...(service === "pods.eks.amazonaws.com" ? { extraActions: ["sts:TagSession"] } : {}),
          sourceAccount: account.accountId,
        }).json,
      });
      new IamRolePolicy(this, "policy", { name: "producer", role: role.id, policy: permissions.json });
      this.accessKey = undefined;
      this.roleArn = role.arn;
    }
  }
}
