import type { TweetEvent } from "../../events/index.js";
import type { EventSink } from "./event-sink.js";
import type { IngestReport } from "./ingest-events.js";
import { SeenIds } from "./recovery/seen-ids.js";
import { idBefore, isNewerId, snowflakeTimeMs } from "./snowflake.js";
import type { DurableWatermark } from "./watermark/durable-watermark.js";

/**
 * Where a post came from: the live stream, a backfill connection's replay (created before the reconnect), or
 * a recovery search.
 */
export type PostOrigin = "stream" | "backfilled" | "recovered";

export interface PostIntakeDeps {
  sink: EventSink;
  report: IngestReport;
  /** False with X_RECOVERY=off: nothing overlaps, so nothing is remembered. */
  deduplicate: boolean;
  /** With SPOOL_DIR: each pushed post's outcome moves it. */
  watermark?: DurableWatermark;
  /** Called with every post pushed (the newest id bounds the next gap's search). */
  delivered?: (id: string) => void;
  /** The de-duplication window; the default remembers the last hour, at most 100,000 ids. */
  seen?: SeenIds;
}

/**
 * The one step every post goes through, streamed, backfilled or recovered: de-duplication (the ids delivered
 * within the window, and for a backfill a floor below which its ordered replay is all old posts), counting,
 * the `recovered` mark, and the push with its outcome going to the durable watermark.
 */
export class PostIntake {
  private readonly seen: SeenIds | undefined;
  /** Backfilled posts at or below this id are replays (backfill resends minutes of posts already delivered). */
  private floor: string | undefined;
  /** Lists filling with the ids of streamed posts until a time (see collectStreamed()). */
  private collectors: { untilMs: number; ids: string[] }[] = [];

  constructor(private readonly deps: PostIntakeDeps) {
    this.seen = deps.deduplicate ? (deps.seen ?? new SeenIds()) : undefined;
  }

  /**
   * Seeds de-duplication from the watermark a previous process left: its recent ids were delivered, and so was
   * everything older than the margin before its newest id. Posts it may have delivered after writing it cannot
   * be told apart: GapRecovery says which recovered posts those may be (accept's `mayRepeat`).
   */
  restored(recentIds: readonly string[], newestId: string, marginMs: number): void {
    const nowMs = Date.now();
    for (const id of recentIds) this.seen?.add(id, nowMs);
    this.raiseFloor(newestId, marginMs);
  }

  /** Ids a previous process delivered (the ends of gaps it left unrecovered): skipped if they come again. */
  alreadyDelivered(ids: readonly string[]): void {
    const nowMs = Date.now();
    for (const id of ids) this.seen?.add(id, nowMs);
  }

  /**
   * A list that fills with the ids of the posts streamed for the next `forMs`: a gap's search reaches that far
   * past its reconnect, and a restart that searches the gap again skips them.
   */
  collectStreamed(forMs: number): readonly string[] {
    const collector = { untilMs: Date.now() + forMs, ids: [] as string[] };
    this.collectors.push(collector);
    return collector.ids;
  }

  /**
   * The stream reconnects after delivering `newestId`: whatever it replays created more than `marginMs` before
   * that post was delivered already, however many posts the window has forgotten since.
   */
  raiseFloor(newestId: string | undefined, marginMs: number): void {
    if (newestId === undefined) return;
    const floor = idBefore(snowflakeTimeMs(newestId) - marginMs);
    if (isNewerId(floor, this.floor)) this.floor = floor;
  }

  /**
   * Takes one post; false when the sink is full (the caller waits for room before reading more). `mayRepeat`: a
   * recovered post a previous process may have delivered (counted as a possible duplicate).
   */
  accept(event: TweetEvent, origin: PostOrigin, receivedAtMs: number, mayRepeat = false): boolean {
    const { sink, report, watermark } = this.deps;
    if (this.isDuplicate(event.id, origin, receivedAtMs)) {
      report({ kind: "duplicate-skipped" });
      return true;
    }
    let post = event;
    if (origin !== "stream") {
      report({ kind: "post-recovered" });
      post = { ...event, recovered: true } as TweetEvent;
      if (mayRepeat) report({ kind: "possible-duplicate" });
    }
    this.deps.delivered?.(event.id);
    if (origin === "stream" && this.collectors.length > 0) this.collect(event.id, receivedAtMs);
    return sink.push(post, receivedAtMs, watermark?.pushed(event.id));
  }

  private collect(id: string, nowMs: number): void {
    this.collectors = this.collectors.filter((collector) => collector.untilMs >= nowMs);
    for (const collector of this.collectors) collector.ids.push(id);
  }

  private isDuplicate(id: string, origin: PostOrigin, receivedAtMs: number): boolean {
    if (this.seen === undefined) return false;
    // Only a backfill replays old posts in order: the stream's own posts below the floor are new (delivered
    // late), and recovery searches reach below it on purpose (a gap older than the stream's newest posts).
    if (origin === "backfilled" && this.floor !== undefined && !isNewerId(id, this.floor)) return true;
    return !this.seen.add(id, receivedAtMs);
  }
}
