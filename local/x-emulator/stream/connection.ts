import type { ServerResponse } from "node:http";
import { createGzip, type Gzip } from "node:zlib";
import type { Random } from "../posts/prng.js";
import { type Projection, renderPost } from "../posts/projection.js";
import type { XStreamMessage } from "../posts/x-types.js";
import { matchingRule } from "../rules/match.js";
import type { StreamRule } from "../rules/rule-set.js";
import { type ChunkingMode, chunkMessage } from "./chunking.js";
import type { StreamItem, StreamQueue } from "./queue.js";

export type StreamKind = "filtered" | "sample";
/** `end`: the HTTP response ends cleanly. `drop`: the TCP connection closes mid-response.
 * `mid-message`: half of the next tweet is written, then the connection is dropped (that tweet is lost). */
export type DisconnectMode = "end" | "drop" | "mid-message";

export interface SentTweet {
  id: string;
  /** The message exactly as serialized onto the stream. */
  message: XStreamMessage;
  /** Which stream connection (1, 2, ...) carried it. */
  connection: number;
  /** Redelivered because the connection asked for `backfill_minutes`. */
  backfilled?: true;
}

export interface StreamContext {
  queue: StreamQueue;
  rules(): StreamRule[];
  chunking(): ChunkingMode;
  random: Random;
  keepAliveMs: number;
  recordSent(sent: SentTweet): void;
}

const COALESCE_BYTES = 64 * 1024;
const CRLF = Buffer.from("\r\n");

/** One open stream response: takes items from the shared queue and writes them as X would. */
export class StreamConnection {
  stalled = false;
  closed = false;
  /** Set when the emulator itself ended or cut the response (a fault, a kill): X then knows it is gone. */
  closedByServer = false;
  /** Posts to redeliver before the live queue (`backfill_minutes`). */
  private backlog: StreamItem[] = [];
  private tweetsUntilStall = Number.POSITIVE_INFINITY;
  private tweetsUntilDisconnect = Number.POSITIVE_INFINITY;
  private disconnectMode: DisconnectMode = "end";
  private truncateNext = false;
  private writing = false;
  private messageIndex = 0;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly closedSignal: Promise<void>;
  /** Where bytes go: the response, or a gzip stream in front of it when the client asked for gzip. */
  private readonly out: ServerResponse | Gzip;
  private readonly gzip: Gzip | undefined;

  constructor(
    readonly id: number,
    readonly kind: StreamKind,
    private readonly res: ServerResponse,
    private readonly projection: Projection,
    private readonly ctx: StreamContext,
    gzip = false,
  ) {
    this.gzip = gzip ? createGzip() : undefined;
    this.gzip?.pipe(res);
    this.out = this.gzip ?? res;
    this.closedSignal = new Promise((resolve) => res.once("close", resolve));
    void this.closedSignal.then(() => {
      this.closed = true;
      clearInterval(this.keepAlive);
      this.gzip?.destroy();
    });
    this.keepAlive = setInterval(() => {
      if (this.stalled || this.writing || this.closed) return;
      this.out.write(CRLF);
      this.gzip?.flush();
    }, ctx.keepAliveMs);
  }

  /** Redeliver these before anything from the shared queue. */
  backfill(items: StreamItem[]): void {
    this.backlog.push(...items);
  }

  /** Stop writing anything, keep-alives included, after `afterTweets` more tweets. */
  stall(afterTweets = 0): void {
    if (afterTweets <= 0) this.stalled = true;
    else this.tweetsUntilStall = afterTweets;
  }

  disconnect(afterTweets: number, mode: DisconnectMode): void {
    this.disconnectMode = mode;
    if (afterTweets <= 0) this.onDisconnectDue();
    else this.tweetsUntilDisconnect = afterTweets;
    this.ctx.queue.wake();
  }

  async run(): Promise<void> {
    while (!this.closed) {
      if (this.stalled || !this.canTake()) {
        await Promise.race([this.ctx.queue.changed(), this.closedSignal]);
        continue;
      }
      this.writing = true;
      try {
        await this.writeBatch();
      } finally {
        this.writing = false;
      }
      // Writes that the socket accepts do not yield: let timers and other sockets run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  destroy(): void {
    this.closedByServer = true;
    this.res.destroy();
  }

  private canTake(): boolean {
    if (this.disconnectMode !== "mid-message" && this.tweetsUntilDisconnect === 0) return true;
    if (this.ctx.queue.length === 0 && this.backlog.length === 0) return false;
    return this.kind === "sample" || this.ctx.rules().length > 0;
  }

  private async writeBatch(): Promise<void> {
    const mode = this.ctx.chunking();
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    let after: "nothing" | "end" | "drop" = "nothing";
    while (after === "nothing" && this.tweetsUntilDisconnect !== 0 && pendingBytes < COALESCE_BYTES) {
      const backfilled = this.backlog.length > 0;
      const item = backfilled ? this.backlog.shift() : this.ctx.queue.shift();
      if (item === undefined) break;
      const { bytes, message } = this.encode(item);
      if (message && this.truncateNext) {
        pending.push(bytes.subarray(0, bytes.length >> 1));
        after = "drop";
        break;
      }
      for (const piece of chunkMessage(bytes, mode, this.ctx.random, this.messageIndex++)) {
        if (mode === "coalesced") pending.push(piece);
        else await this.writeAlone(piece);
        pendingBytes += piece.length;
      }
      if (message === undefined) {
        if (item.kind === "line" && item.closeAfter) after = "end";
        continue;
      }
      const sent: SentTweet = { id: message.data.id, message, connection: this.id };
      if (backfilled) sent.backfilled = true;
      this.ctx.recordSent(sent);
      if (--this.tweetsUntilStall === 0) this.stalled = true;
      if (--this.tweetsUntilDisconnect === 0) this.onDisconnectDue();
      if (this.stalled) break;
    }
    if (this.tweetsUntilDisconnect === 0) after = this.disconnectMode === "end" ? "end" : "drop";
    if (pending.length > 0 && !this.write(Buffer.concat(pending))) await this.drained();
    if (after !== "nothing") {
      this.closed = true;
      this.closedByServer = true;
    }
    if (after === "end") this.out.end();
    if (after === "drop") {
      // Let gzip hand over what it holds, then cut the connection.
      if (this.gzip) await new Promise<void>((resolve) => this.gzip?.flush(() => resolve()));
      // Node's HTTP response corks the socket until the next tick: let what was written reach it first.
      await nextTurn();
      this.res.socket?.end();
    }
  }

  private onDisconnectDue(): void {
    this.tweetsUntilDisconnect = this.disconnectMode === "mid-message" ? Number.POSITIVE_INFINITY : 0;
    if (this.disconnectMode === "mid-message") this.truncateNext = true;
  }

  private encode(item: StreamItem): { bytes: Buffer; message?: XStreamMessage } {
    if (item.kind === "line") return { bytes: item.bytes };
    const message: XStreamMessage = renderPost(item.tweet, this.projection, item.omitAuthor);
    if (this.kind === "filtered") {
      const rule = matchingRule(message.data.id, this.ctx.rules());
      if (rule)
        message.matching_rules = [rule.tag === undefined ? { id: rule.id } : { id: rule.id, tag: rule.tag }];
    }
    return { bytes: Buffer.from(`${JSON.stringify(message)}\r\n`, "utf8"), message };
  }

  /**
   * Writes one piece as its own TCP write: Node's HTTP response corks the socket for the rest of the tick, so
   * pieces written in one tick leave in one segment and reach the client as one `data` event.
   */
  private async writeAlone(piece: Buffer): Promise<void> {
    if (!this.write(piece)) await this.drained();
    await nextTurn();
  }

  private drained(): Promise<void> {
    return Promise.race([new Promise<void>((resolve) => this.out.once("drain", resolve)), this.closedSignal]);
  }

  /** Writes, and with gzip flushes, so every write reaches the client without waiting for more. */
  private write(bytes: Buffer): boolean {
    const room = this.out.write(bytes);
    this.gzip?.flush();
    return room;
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
