/** Every way a spool operation can fail. `kind` is for code, `message` is for people. */
export type SpoolErrorKind =
  /** The spool directory cannot be created, is not a directory, or is not writable. */
  | "directory"
  /** The options given to `Spool.open` are out of range. */
  | "options"
  /** Another `Spool` in this process already has the directory open. */
  | "in-use"
  /** A record cannot be stored at all (not "the spool is full": that is an `append` result, not an error). */
  | "record-invalid"
  /** A `peek` limit or an `ack` count out of range. */
  | "argument"
  /** The token passed to `ack` was not issued by this spool or no longer starts at the head. */
  | "stale-token"
  /** Stored bytes failed their checksum after the spool was opened (the disk changed under us). */
  | "corrupt"
  /** A read or write failed (ENOSPC, EIO, ...). Stored records stay intact; `cause` holds the system error. */
  | "io"
  /** The spool was closed, or a failed write left it unusable until it is reopened. */
  | "closed";

export class SpoolError extends Error {
  override readonly name = "SpoolError";

  constructor(
    readonly kind: SpoolErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `ENOSPC` etc. from a Node system error, for messages; never the whole error (its path is already named). */
export function errnoOf(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.message : String(error);
}
