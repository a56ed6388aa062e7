export { type DecodeErrorKind, type DecodeResult, EventDecodeError } from "./decode-error.js";
export {
  AGGREGATE_OVERHEAD_BYTES,
  AggregateBuilder,
  aggregate,
  deaggregate,
  isAggregated,
  KPL_MAGIC,
  type UserRecord,
} from "./kpl-aggregate.js";
export {
  type DecodedUserRecord,
  decodeBase64,
  decodeEvent,
  decodeRecordData,
  encodeEvent,
} from "./record-codec.js";
export { EVENT_VERSION, type TweetEvent, tweetEventSchema } from "./tweet-event.js";
