// A processor cold start, in plain Node (no TypeScript loader in the way): the Lambda event is read first,
// then the clock covers what a cold start costs the function: loading the bundle (its init code reads the
// configuration and builds the clients) and handling the first batch. Writes the timings as JSON to
// <result.json> (stdout carries the handler's own log lines).
// Usage: node bench/processor/cold-start.mjs <bundle.mjs> <event.json> <result.json>
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [bundle, eventFile, resultFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, "utf8"));
const context = {
  functionName: "bench-processor",
  awsRequestId: "cold-start",
  getRemainingTimeInMillis: () => 900_000,
};

const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const loaded = performance.now();
const response = await handler(event, context);
const handled = performance.now();
writeFileSync(
  resultFile,
  JSON.stringify({
    loadMs: loaded - started,
    firstBatchMs: handled - loaded,
    coldStartMs: handled - started,
    // Node's own boot before this script ran, for context (Lambda's runtime boots its own way).
    nodeBootMs: started,
    failures: response.batchItemFailures.length,
  }),
);
// Keep-alive sockets of the bundle's clients would hold the process open.
process.exit(0);
