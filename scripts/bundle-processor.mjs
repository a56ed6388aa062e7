// Bundles the processor's Lambda handler (scripts/bundle-lambda.mjs does the work).
// Usage: node scripts/bundle-processor.mjs [outdir]   (default dist/lambda/processor)
import { bundleLambda } from "./bundle-lambda.mjs";

await bundleLambda("processor", process.argv[2]);
