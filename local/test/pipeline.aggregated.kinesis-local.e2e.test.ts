import { aggregatedCase } from "./support/pipeline-cases.js";

aggregatedCase("kinesis-local");
