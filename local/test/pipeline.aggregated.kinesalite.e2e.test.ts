import { aggregatedCase } from "./support/pipeline-cases.js";

aggregatedCase("kinesalite");
