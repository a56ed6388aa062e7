import type { StreamRule } from "./rule-set.js";

/**
 * Which rule a post matches. The emulator does not evaluate rule syntax against text (its synthetic posts
 * would match nothing): each post matches exactly one of the current rules, chosen by its id, so the filtered
 * stream's `matching_rules` and a search for that rule's value agree on every post.
 */
export function matchingRule(postId: string, rules: readonly StreamRule[]): StreamRule | undefined {
  if (rules.length === 0) return undefined;
  return rules[Number(BigInt(postId) % BigInt(rules.length))];
}

/** Search's view: a query that is a current rule's value finds that rule's posts; any other finds every post. */
export function queryMatcher(query: string, rules: readonly StreamRule[]): (postId: string) => boolean {
  const rule = rules.find((r) => r.value === query);
  if (rule === undefined) return () => true;
  return (postId) => matchingRule(postId, rules)?.id === rule.id;
}
