import type { TweetEvent } from "../../events/index.js";

/** What became of a pushed event: acknowledged by Kinesis or appended to the spool file, or dropped. */
export type PushOutcome = "durable" | "lost";

/** Where ingest puts events; implemented by the Kinesis side. */
export interface EventSink {
  /**
   * Takes the event. `false` means the buffer is now full: ingest stops reading X until `waitForRoom()`.
   * `settled`, when given, is called exactly once, never from inside push(): "durable" once Kinesis
   * acknowledged the event's entry or its bytes were appended to the spool file; "lost" when it was dropped
   * (too large, refused by Kinesis as invalid, pushed after close, spool full at shutdown, abandoned at the
   * hard stop).
   */
  push(event: TweetEvent, receivedAtMs: number, settled?: (outcome: PushOutcome) => void): boolean;
  waitForRoom(): Promise<void>;
}
