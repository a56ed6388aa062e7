import { faultsCase } from "./support/pipeline-cases.js";

faultsCase("kinesis-local");
