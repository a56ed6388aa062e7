/**
 * What each top folder may import: the one table. `test/import-boundaries.test.ts` parses every `.ts` file's
 * imports and holds the code to it, and checks that each folder's README states its row in the words
 * `importRuleSentence` gives, so the READMEs say what the test enforces. A new top folder fails that test until
 * it has a row here (and the sentence in its README).
 */
export interface ImportRule {
  /** Other top folders the folder's code may import. */
  imports: readonly string[];
  /** Top folders its tests (files under a `test/` folder, or named `*.test.ts`) may import as well. */
  testsImport: readonly string[];
  /**
   * Which packages its code may import (Node's built-ins always): a list, or "dependencies" for those in
   * package.json's `dependencies`, the only ones the producer's image installs (type-only imports exempt);
   * without it, any installed package (the Lambda bundles carry whatever they import). Tests may import any.
   */
  packages?: readonly string[] | "dependencies";
}

/** The three things deployed on their own: none imports another, tests included. */
export const DEPLOYABLES = ["producer-service", "processor", "compliance"] as const;

const TESTS_USE_EMULATORS = ["local", "test-support"];

export const IMPORT_RULES: Readonly<Record<string, ImportRule>> = {
  events: { imports: [], testsImport: [], packages: ["zod"] },
  "producer-service": {
    imports: ["events"],
    // The metric contract the alert rules are written against.
    testsImport: [...TESTS_USE_EMULATORS, "observability"],
    packages: "dependencies",
  },
  processor: { imports: ["events", "lambda-support"], testsImport: TESTS_USE_EMULATORS },
  compliance: { imports: ["events", "lambda-support"], testsImport: TESTS_USE_EMULATORS },
  // The plumbing both Lambdas share (retries, backoff, a bounded pool): it knows no post and no item.
  "lambda-support": { imports: [], testsImport: TESTS_USE_EMULATORS },
  infra: {
    imports: [],
    // The alarms' tests cross-check metric names with the Lambdas that publish them; scripts/ synthesizes.
    testsImport: ["processor", "compliance", "scripts", "test-support"],
    packages: ["cdktf", "constructs", "@cdktf/provider-aws", "zod"],
  },
  // Runs everything on one machine with the deployed stack's settings; nothing deployed imports it.
  local: {
    imports: ["events", "producer-service", "processor", "compliance", "infra"],
    testsImport: ["test-support"],
  },
  bench: { imports: ["events", "producer-service", "processor", "local"], testsImport: ["test-support"] },
  container: { imports: [], testsImport: ["events", "producer-service", "observability", "test-support"] },
  observability: { imports: [], testsImport: ["producer-service", "local", "test-support"] },
  // Its tests hold README figures to the settings they come from.
  scripts: { imports: ["infra", "test-support"], testsImport: ["local", "producer-service"] },
  "test-support": { imports: [], testsImport: [], packages: ["vitest"] },
};

/**
 * Folders other code reaches only through their entry points (files inside them), so their insides can move
 * without touching the importers.
 */
export const ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  // The X emulator; producer tests also read raw streams with its bare client.
  "local/x-emulator": ["index.ts", "test/raw-client.ts"],
};

const folders = (names: readonly string[]) => names.map((name) => `\`${name}/\``).join(", ");

/** The sentence a folder's README carries, derived from its row. */
export function importRuleSentence(folder: string): string {
  const rule = IMPORT_RULES[folder];
  if (rule === undefined) throw new Error(`no import rule for ${folder}/ in test-support/import-rules.ts`);
  const code = rule.imports.length > 0 ? folders(rule.imports) : "no other top folder";
  const packages =
    rule.packages === undefined
      ? "any package"
      : rule.packages === "dependencies"
        ? "the packages in package.json's `dependencies` (type-only imports aside)"
        : rule.packages.map((name) => `\`${name}\``).join(", ");
  const tests = rule.testsImport.length > 0 ? `; its tests also ${folders(rule.testsImport)}` : "";
  return `**May import:** ${code}, Node's built-ins and ${packages}${tests} (the table in \`test-support/import-rules.ts\`, held by its test).`;
}
