import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The bearer token from Secrets Manager. The stack creates the secret without a value: until an operator
 * sets one, every sweep fails with this message (and the alarms say so) rather than running without a token.
 */
export async function readTokenSecret(client: SecretsManagerClient, arn: string): Promise<string> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const token = out.SecretString?.trim();
    if (!token) throw new Error("is empty");
    return token;
  } catch (err) {
    const e = err as Error;
    const missing = e.name === "ResourceNotFoundException";
    throw new Error(
      `X bearer token secret ${arn} ${missing ? "has no value yet" : `could not be read (${e.name}: ${e.message})`}: ` +
        "set it with `aws secretsmanager put-secret-value` (see compliance/README.md)",
    );
  }
}

export { SecretsManagerClient };
