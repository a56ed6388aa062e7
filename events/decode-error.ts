/** Every way a record can fail to become an event. A malformed record never succeeds on retry. */
export type DecodeErrorKind =
  | "not-base64"
  | "not-utf8"
  | "not-json"
  | "schema"
  | "aggregate-malformed"
  | "aggregate-checksum";

/** A typed decode failure: `kind` for code, `message` for people, `path` for schema violations. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";

  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
    /** Dotted path of the offending field, for `schema` errors (for example `author.username`). */
    readonly path?: string,
  ) {
    super(message);
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: EventDecodeError };
