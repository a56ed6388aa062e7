export { CHUNKING_MODES, type ChunkingMode } from "./chunking.js";
export type { ConnectionRecord } from "./connection-registry.js";
export { type PublishTweet, startXEmulator, type XEmulator, type XEmulatorOptions } from "./emulator.js";
export type { XEmulatorFaults } from "./faults.js";
export { mergeIncludes, type Projection, parseProjection, renderPost } from "./projection.js";
export type { RecordedRequest } from "./routes.js";
export type { StreamRule } from "./rules.js";
export type { DisconnectMode, SentTweet } from "./stream-connection.js";
export {
  createTweetGenerator,
  PLAIN_MIX,
  type PostMix,
  RICH_MIX,
  type TweetGenerator,
  type TweetGeneratorOptions,
  weightedLength,
} from "./tweet-generator.js";
export type { FaultStatus, XProblem } from "./x-problems.js";
export type {
  GeneratedTweet,
  XIncludes,
  XMedia,
  XPlace,
  XPoll,
  XStreamMessage,
  XTweet,
  XUser,
} from "./x-types.js";
