// One run for instruction-count.ts, under valgrind: loads a handler bundle, handles `warm + measure` Lambda
// batches from <events.json> one after another, and exits (keep-alive sockets would hold the process open).
// Usage: node bench/processor/instruction-count-child.mjs <bundle.mjs> <events.json> <warm> <measure>
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [bundle, eventsFile, warm, measure] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, "utf8"));
const { handler } = await import(pathToFileURL(bundle).href);
const context = {
  functionName: "instruction-count",
  awsRequestId: "count",
  getRemainingTimeInMillis: () => 900_000,
};
const batches = Number(warm) + Number(measure);
for (let i = 0; i < batches; i++) {
  const response = await handler(events[i % events.length], context);
  if (response.batchItemFailures.length > 0)
    throw new Error(`${response.batchItemFailures.length} records failed`);
}
process.exit(0);
