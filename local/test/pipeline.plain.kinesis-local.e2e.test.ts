import { plainCase } from "./support/pipeline-cases.js";

plainCase("kinesis-local");
