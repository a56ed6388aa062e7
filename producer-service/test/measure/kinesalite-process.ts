import { startKinesalite } from "../../../local/emulators/kinesalite.js";

/** kinesalite in a process of its own, so it does not share an event loop with what it measures. */
const kinesalite = await startKinesalite();
process.stdout.write(`${JSON.stringify({ port: kinesalite.port })}\n`);
