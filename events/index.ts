export { type DecodeErrorKind, type DecodeResult, EventDecodeError } from "./decode-error.js";
export {
  AGGREGATE_OVERHEAD_BYTES,
  AggregateBuilder,
  aggregate,
  deaggregate,
  isAggregated,
  KPL_MAGIC,
  partitionKeyHash,
  type UserRecord,
} from "./kpl-aggregate.js";
export {
  type DecodedUserRecord,
  decodeBase64,
  decodeEvent,
  decodeRecordData,
  encodeEvent,
} from "./record-codec.js";
export {
  EVENT_VERSION,
  type TweetEvent,
  type TweetEventV1,
  type TweetEventV2,
  tweetEventSchema,
  tweetEventV1Schema,
  tweetEventV2Schema,
} from "./tweet-event.js";
export {
  DEFAULT_X_FIELDS,
  parseXFieldList,
  parseXFieldSelection,
  X_DOCUMENTED_FIELDS,
  X_FIELD_PARAMS,
  XFieldError,
  type XFieldParam,
  type XFieldSelection,
  xFieldsQuery,
} from "./x-fields.js";
export {
  entitiesOf,
  fullText,
  type PostReference,
  referencedIncludes,
  referencesOf,
  wholeText,
  type XIncludes,
  type XObject,
  type XPost,
} from "./x-post.js";
