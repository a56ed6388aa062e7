import type { Logger } from "pino";
import { RateLimitedLog } from "../../rate-limited-log.js";
import type { IngestReport } from "../ingest-events.js";
import type { DurableWatermark } from "./durable-watermark.js";
import { writeWatermark } from "./watermark-file.js";

/**
 * At most one write per this many ms, whatever the rate of posts: a crash can repeat what became durable in
 * the last interval (the restart counts those as possible duplicates), and the disk sees two small writes a
 * second instead of one per post.
 */
export const WATERMARK_WRITE_EVERY_MS = 500;
/** Rewritten this often even when unchanged, so that `writtenAt` says how long ago the process was alive. */
const REFRESH_EVERY_MS = 30_000;
const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * Persists a DurableWatermark in SPOOL_DIR: coalesced (one write per `writeEveryMs` at most), atomic (temp
 * file + rename), and a last write at close, after the writer settled what it could.
 */
export class WatermarkKeeper {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** A write not finished yet: a tick then writes nothing (on a slow disk writes would queue without end). */
  private inFlight = false;
  private lastWriteMs = 0;
  private readonly failures: RateLimitedLog;
  private failing = false;

  constructor(
    private readonly dir: string,
    private readonly watermark: DurableWatermark,
    private readonly report: IngestReport,
    private readonly logger: Logger,
    private readonly writeEveryMs = WATERMARK_WRITE_EVERY_MS,
    /** Where the state goes; the file in `dir` (tests pass a slow disk). */
    private readonly persist: typeof writeWatermark = writeWatermark,
    /**
     * Makes what the state counts durable survive power loss before it is written (the spool's fdatasync):
     * a post counts once its bytes were appended, which a lost node can take back.
     */
    private readonly durableFirst: () => Promise<void> = async () => undefined,
  ) {
    this.failures = new RateLimitedLog(logger, FAILURE_LOG_EVERY_MS);
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.writeEveryMs);
    this.timer.unref();
  }

  /** The final write: call after the writer closed, so that its last outcomes are in. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.writing;
    this.watermark.takeChanged();
    await this.write();
  }

  private tick(): void {
    // The changed flag is left as it is: the first tick after the write in flight writes the newer state.
    if (this.inFlight) return;
    const due = this.watermark.takeChanged() || Date.now() - this.lastWriteMs >= REFRESH_EVERY_MS;
    if (!due) return;
    this.writing = this.write();
  }

  private async write(): Promise<void> {
    const state = this.watermark.current();
    if (state === undefined) return;
    const nowMs = Date.now();
    this.inFlight = true;
    try {
      await this.durableFirst();
      await this.persist(this.dir, { ...state, writtenAtMs: nowMs });
      this.lastWriteMs = nowMs;
      this.report({ kind: "watermark-written" });
      if (this.failing) this.logger.info("the watermark file is written again");
      this.failing = false;
    } catch (error) {
      // Nothing is lost while running; a restart would search from an older watermark (more duplicates).
      this.failing = true;
      this.report({ kind: "watermark-write-failed" });
      this.failures.error(
        "watermark",
        { err: error },
        "WATERMARK NOT SAVED: a restart now would recover from an older position (more duplicates); retrying",
      );
    } finally {
      this.inFlight = false;
    }
  }
}
