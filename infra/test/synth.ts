import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Testing } from "cdktf";
import { readInfraConfig } from "../config.js";
import { TweetstreamStack } from "../stack.js";

/** A stand-in for the processor bundle: the stack only zips and hashes it. */
export const FIXTURE_BUNDLE = fileURLToPath(new URL("./fixtures/processor-bundle", import.meta.url));

type Block = Record<string, unknown>;

/** The synthesized Terraform JSON, as far as the tests read it. */
export interface TerraformJson {
  readonly provider: { readonly aws: Block[] };
  readonly terraform: { readonly backend: Record<string, Block> };
  readonly resource: Record<string, Record<string, Block>>;
  readonly data: Record<string, Record<string, Block>>;
  readonly output: Record<string, Block>;
}

/** The outdir the in-process synthesis pretends to write to (Testing.synth writes nothing). */
export const SYNTH_OUTDIR = join(tmpdir(), "tweetstream-infra-test");

/**
 * Synthesizes the stack in-process, configured by `env` alone (never by the test runner's own environment).
 * The pipeline's tests read "the" Lambda, role and log group: they synthesize without the compliance sweeper
 * unless `env` sets COMPLIANCE; infra/test/compliance*.test.ts synthesize it (it is on by default).
 */
export function synthesize(env: Record<string, string> = {}, bundleDir = FIXTURE_BUNDLE): TerraformJson {
  const config = readInfraConfig({ COMPLIANCE: "off", ...env });
  // Testing.synth writes nothing; the outdir only has to be a path.
  const app = Testing.app({ outdir: SYNTH_OUTDIR });
  const stack = new TweetstreamStack(app, config.stackName, { config, processorBundleDir: bundleDir });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(tf: TerraformJson, type: string): Block[] {
  return Object.values(tf.resource[type] ?? {});
}

/** The single resource of `type`; fails the test when there is none or more than one. */
export function onlyResource(tf: TerraformJson, type: string): Block {
  const found = resourcesOf(tf, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0] as Block;
}

/** The Terraform reference to an attribute of the single resource of `type`, e.g. `${aws_sqs_queue.x.arn}`. */
export function refTo(tf: TerraformJson, type: string, attribute: string): string {
  const ids = Object.keys(tf.resource[type] ?? {});
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

/** The Terraform reference to an attribute of the resource of `type` whose `name` is `name`. */
export function refToNamed(tf: TerraformJson, type: string, name: string, attribute: string): string {
  const [id] = Object.entries(tf.resource[type] ?? {}).find(([, block]) => block.name === name) ?? [];
  if (id === undefined) throw new Error(`no ${type} named ${name}`);
  return `\${${type}.${id}.${attribute}}`;
}
