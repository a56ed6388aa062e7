import type { TerraformJson } from "./synth.js";

/** A statement of an `aws_iam_policy_document` data source, as synthesized (snake_case). */
export interface Statement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: string[];
  readonly not_actions?: string[];
  readonly resources?: string[];
  readonly not_resources?: string[];
  readonly principals?: { type: string; identifiers: string[] }[];
  readonly not_principals?: unknown[];
}

/** Attributes that carry an IAM policy document, in any resource type. */
const POLICY_ATTRIBUTES = ["policy", "assume_role_policy"];
const DOCUMENT_REF = /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/;
/** A resource ARN derived from a resource of this stack, optionally narrowed (`/consumer/*`, `:*`, a bucket's `/*`). */
const OWN_RESOURCE =
  /^\$\{(aws_[a-z0-9_]+\.[^.}]+\.arn\}(\/consumer\/\*|:\*)?|aws_s3_bucket\.[^.}]+\.arn\}\/\*)$/;

export function policyDocuments(tf: TerraformJson): Map<string, Statement[]> {
  const documents = tf.data.aws_iam_policy_document ?? {};
  return new Map(Object.entries(documents).map(([id, doc]) => [id, (doc.statement ?? []) as Statement[]]));
}

/** The document id each policy-bearing attribute uses, e.g. `aws_iam_role_policy.x.policy` → `processor_permissions_…`. */
export function policyAttachments(tf: TerraformJson): { where: string; value: unknown }[] {
  const found: { where: string; value: unknown }[] = [];
  for (const [type, byId] of Object.entries(tf.resource)) {
    for (const [id, block] of Object.entries(byId)) {
      for (const attribute of POLICY_ATTRIBUTES) {
        if (attribute in block) found.push({ where: `${type}.${id}.${attribute}`, value: block[attribute] });
      }
    }
  }
  return found;
}

/**
 * Every way the synthesized stack grants more than it should. `unscopable` lists the actions IAM
 * cannot narrow to a resource (their "Resource types" column is empty in the Service Authorization Reference):
 * only they may use "*".
 */
export function privilegeViolations(tf: TerraformJson, unscopable: ReadonlySet<string>): string[] {
  const violations: string[] = [];
  const documents = policyDocuments(tf);
  for (const { where, value } of policyAttachments(tf)) {
    const id = typeof value === "string" ? DOCUMENT_REF.exec(value)?.[1] : undefined;
    if (id === undefined || !documents.has(id)) {
      violations.push(
        `${where} is not an aws_iam_policy_document, so it cannot be checked: ${JSON.stringify(value)}`,
      );
    }
  }
  for (const [id, statements] of documents) {
    for (const [index, s] of statements.entries()) {
      const at = `${id} statement ${s.sid ?? index}`;
      if (s.effect === "Deny") continue;
      if (s.not_actions !== undefined) violations.push(`${at}: NotAction grants everything else`);
      if (s.not_resources !== undefined) violations.push(`${at}: NotResource grants everything else`);
      if (s.not_principals !== undefined) violations.push(`${at}: NotPrincipal trusts everyone else`);
      const actions = s.actions ?? [];
      if (actions.length === 0) violations.push(`${at}: no actions listed`);
      for (const action of actions.filter((a) => a.includes("*")))
        violations.push(`${at}: wildcard action ${action}`);
      for (const principal of s.principals ?? []) {
        if (principal.type === "*" || principal.identifiers.includes("*"))
          violations.push(`${at}: trusts any principal`);
      }
      if (s.principals !== undefined) continue; // a trust policy: who, not what
      for (const resource of s.resources ?? ["*"]) {
        if (resource === "*") {
          const scopable = actions.filter((a) => !unscopable.has(a));
          if (scopable.length > 0)
            violations.push(`${at}: "*" resource for ${scopable.join(", ")}, which can be scoped`);
        } else if (!OWN_RESOURCE.test(resource)) {
          violations.push(`${at}: resource ${resource} is not one of this stack's resources`);
        }
      }
    }
  }
  return violations;
}

/** action → the resources it is granted on, over all Allow statements of one document. */
export function grantsOf(statements: readonly Statement[]): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const s of statements) {
    if (s.effect !== "Allow") continue;
    for (const action of s.actions ?? [])
      grants.set(action, [...(grants.get(action) ?? []), ...(s.resources ?? [])]);
  }
  return grants;
}
