// What the processor's cold start loads that the original's logic does not (bench/README.md): each part bundled
// alone with the Lambda build settings (scripts/bundle-lambda.mjs), then imported in fresh node processes; the
// CPU of the import (process.cpuUsage, so the machine's load moves it less than wall time), median of the runs,
// parts alternating. Usage: npx tsx bench/processor/import-cost.ts [runs]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CHILD_BUILD_DIR } from "../lib/build-children.js";
import { spread } from "../lib/stats.js";

const runs = Number(process.argv[2] ?? 7);
const repo = (path: string) => JSON.stringify(resolve(path));
/** Each part: the code of an entry module that loads it as the handler does at cold start. */
const PARTS: Record<string, string> = {
  "DynamoDB client": `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; export const c = new DynamoDBClient({ maxAttempts: 1 });`,
  "DynamoDB + SQS clients": `import { DynamoDBClient } from "@aws-sdk/client-dynamodb"; import { SQSClient } from "@aws-sdk/client-sqs"; export const c = [new DynamoDBClient({ maxAttempts: 1 }), new SQSClient({})];`,
  "zod: the event schema and the configuration's": `export { tweetEventSchema } from ${repo("events/tweet-event.ts")}; export { loadConfig } from ${repo("processor/config.ts")};`,
  "pino: the processor's logger": `import { createLogger } from ${repo("processor/logger.ts")}; export const l = createLogger("info");`,
  "Powertools metrics: the processor's publisher": `import { createMetricsPublisher } from ${repo("processor/metrics.ts")}; export const m = createMetricsPublisher();`,
  "the processor's handler (everything)": `export { handler } from ${repo("processor/handler.ts")};`,
  "the original's logic": `export { handler } from ${repo("bench/processor/original-logic.ts")};`,
};
const LOAD = `const c = process.cpuUsage(); await import("file://" + process.argv[1]); const d = process.cpuUsage(c); console.log((d.user + d.system) / 1000);`;
const ENV = {
  ...process.env,
  TABLE_NAME: "bench",
  DLQ_URL: "http://127.0.0.1:9/000000000000/bench-dlq",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
};

// Under dist/ (ignored by git), so the entries resolve packages from node_modules.
mkdirSync(CHILD_BUILD_DIR, { recursive: true });
const workDir = resolve(mkdtempSync(join(CHILD_BUILD_DIR, "import-cost-")));
try {
  const bundles = Object.entries(PARTS).map(([name, code], i) => {
    const dir = join(workDir, String(i));
    mkdirSync(dir);
    writeFileSync(join(dir, "entry.ts"), code);
    const script = `import { bundleEntry } from "./scripts/bundle-lambda.mjs"; await bundleEntry(process.argv[1], process.argv[2]);`;
    const outfile = join(dir, "out", "index.mjs");
    execFileSync(process.execPath, ["--input-type=module", "-e", script, join(dir, "entry.ts"), outfile]);
    return { name, outfile, samples: [] as number[] };
  });
  for (let run = 0; run < runs; run++) {
    for (const bundle of bundles) {
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", LOAD, bundle.outfile], {
        env: ENV,
      });
      bundle.samples.push(Number(String(out).trim().split("\n").at(-1)));
    }
  }
  console.log(`| part (bundled alone) | bundle KB | import CPU ms, median of ${runs} |`);
  console.log("| --- | --- | --- |");
  for (const { name, outfile, samples } of bundles) {
    console.log(
      `| ${name} | ${(statSync(outfile).size / 1024).toFixed(0)} | ${spread(samples).median.toFixed(1)} |`,
    );
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
