// Bundles the compliance sweeper's Lambda handler (scripts/bundle-lambda.mjs does the work).
// Usage: node scripts/bundle-compliance.mjs [outdir]   (default dist/lambda/compliance)
import { bundleLambda } from "./bundle-lambda.mjs";

await bundleLambda("compliance", process.argv[2]);
