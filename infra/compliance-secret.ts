import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret/index.js";
import { Construct } from "constructs";

export interface ComplianceSecretProps {
  /** The stack passes `<stack>-x-bearer-token`. */
  readonly name: string;
}

/**
 * The X bearer token the compliance sweeper uses, as a Secrets Manager secret WITHOUT a value: a value set
 * here would sit in the Terraform state in plain text. The operator sets it once with
 * `aws secretsmanager put-secret-value` (README); until then every sweep fails saying so, and the alarms fire.
 */
export class ComplianceSecret extends Construct {
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: ComplianceSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.name,
      description: "X API app-only bearer token for the compliance sweeper (value set outside Terraform)",
      // 0: `npm run destroy` deletes it at once, as everything else, so a new deploy can reuse the name. The
      // token itself is not lost: it can be regenerated in X's developer portal.
      recoveryWindowInDays: 0,
    });
  }
}
