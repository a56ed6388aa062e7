import { separateQueuesCase } from "./support/pipeline-cases.js";

separateQueuesCase("kinesalite");
