// The cdktf app as `cdktf synth|deploy|destroy` runs it (cdktf.json: `npx tsx infra/main.ts`): reads the
// configuration once, synthesizes the one stack. The npm scripts use the same code through scripts/synth.ts.
import { fileURLToPath } from "node:url";
import { deployWarnings, synthesizeStack } from "./app.js";
import { LambdaBundleMissingError } from "./bundled-lambda.js";
import { InfraConfigError, readInfraConfig } from "./config.js";

try {
  const config = readInfraConfig();
  for (const warning of deployWarnings(config)) console.warn(warning);
  synthesizeStack({
    config,
    processorBundleDir: fileURLToPath(new URL("../dist/lambda/processor", import.meta.url)),
  });
} catch (error) {
  // What the user must fix, without a stack trace in the way.
  if (!(error instanceof InfraConfigError || error instanceof LambdaBundleMissingError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
