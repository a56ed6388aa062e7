// The cdktf app: reads the configuration once, builds the one stack, writes the Terraform JSON.
// `cdktf synth|deploy|destroy` (the npm scripts) run this file with tsx; it imports no producer or processor code.
import { fileURLToPath } from "node:url";
import { App } from "cdktf";
import { InfraConfigError, readInfraConfig } from "./config.js";
import { ProcessorBundleMissingError } from "./processor-function.js";
import { TweetstreamStack } from "./stack.js";

try {
  const config = readInfraConfig();
  const app = new App();
  new TweetstreamStack(app, config.stackName, {
    config,
    processorBundleDir: fileURLToPath(new URL("../dist/lambda/processor", import.meta.url)),
  });
  app.synth();
} catch (error) {
  // What the user must fix, without a stack trace in the way.
  if (!(error instanceof InfraConfigError || error instanceof ProcessorBundleMissingError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
