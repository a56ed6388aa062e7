export { type PublishTweet, startXEmulator, type XEmulator, type XEmulatorOptions } from "./emulator.js";
export type { BilledEndpoint, BillingRefusal, XEmulatorBilling } from "./http/billing.js";
export type { FaultStatus, XProblem } from "./http/problems.js";
export {
  createTweetGenerator,
  PLAIN_MIX,
  type PostMix,
  RICH_MIX,
  type TweetGenerator,
  type TweetGeneratorOptions,
  weightedLength,
} from "./posts/generator.js";
export { createRandom, type Random } from "./posts/prng.js";
export { mergeIncludes, type Projection, parseProjection, renderPost } from "./posts/projection.js";
export { renderStream } from "./posts/stream-body.js";
export type {
  GeneratedTweet,
  XIncludes,
  XMedia,
  XPlace,
  XPoll,
  XStreamMessage,
  XTweet,
  XUser,
} from "./posts/x-types.js";
export type { RecordedRequest } from "./routes.js";
export type { StreamRule } from "./rules/rule-set.js";
export { CHUNKING_MODES, type ChunkingMode } from "./stream/chunking.js";
export type { DisconnectMode, SentTweet } from "./stream/connection.js";
export type { XEmulatorFaults } from "./stream/faults.js";
export type { ConnectionRecord } from "./stream/registry.js";
