import { faultsCase } from "./support/pipeline-cases.js";

faultsCase("kinesalite");
