export type { MessageAttributeValue } from "./digests.js";
export type { RecordedMessage } from "./queue.js";
export { type SqsEmulator, type SqsEmulatorOptions, type SqsFault, startSqsEmulator } from "./server.js";
