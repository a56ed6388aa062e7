export { CHUNKING_MODES, type ChunkingMode } from "./chunking.js";
export { type PublishTweet, startXEmulator, type XEmulator, type XEmulatorOptions } from "./emulator.js";
export type { XEmulatorFaults } from "./faults.js";
export type { RecordedRequest } from "./routes.js";
export type { StreamRule } from "./rules.js";
export type { DisconnectMode, SentTweet } from "./stream-connection.js";
export {
  createTweetGenerator,
  type TweetGenerator,
  type TweetGeneratorOptions,
  weightedLength,
} from "./tweet-generator.js";
export type { FaultStatus, XProblem } from "./x-problems.js";
export type { GeneratedTweet, XStreamMessage, XTweet, XUser } from "./x-types.js";
