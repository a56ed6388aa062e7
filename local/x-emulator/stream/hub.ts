import type { IncomingMessage, ServerResponse } from "node:http";
import { rateLimitHeaders, sendJson } from "../http/messages.js";
import type { NetworkSwitch } from "../http/network-switch.js";
import { httpProblem, tooManyConnections } from "../http/problems.js";
import type { PostHistory } from "../posts/history.js";
import type { Random } from "../posts/prng.js";
import type { RuleSet } from "../rules/rule-set.js";
import { type SentTweet, StreamConnection, type StreamContext, type StreamKind } from "./connection.js";
import { createFaults, type FaultState, type XEmulatorFaults } from "./faults.js";
import { StreamQueue } from "./queue.js";
import { ConnectionRegistry } from "./registry.js";
import { parseStreamRequest } from "./request.js";

export interface StreamHubOptions {
  ruleSet: RuleSet;
  random: Random;
  keepAliveMs: number;
  maxConnections: number;
  recordSent: boolean;
  /** Compress streams with gzip when the client accepts it (X does; twitter-api-v2 asks for it). */
  gzip: boolean;
  state: FaultState;
  history: PostHistory;
  network: NetworkSwitch;
}

/** The stream side of the emulator: the shared queue, the open connections, and what was sent. */
export class StreamHub {
  readonly queue = new StreamQueue();
  readonly connections = new Set<StreamConnection>();
  readonly sent: SentTweet[] = [];
  readonly faults: XEmulatorFaults;
  readonly registry: ConnectionRegistry;
  connectionCount = 0;
  private readonly context: StreamContext;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly options: StreamHubOptions) {
    this.faults = createFaults(options.state, this.queue, this.connections, options.network);
    this.registry = new ConnectionRegistry(() => options.state.lingerMs);
    this.context = {
      queue: this.queue,
      rules: () => options.ruleSet.list(),
      chunking: () => options.state.chunking,
      random: options.random,
      keepAliveMs: options.keepAliveMs,
      recordSent: (tweet) => {
        if (options.recordSent) this.sent.push(tweet);
      },
    };
  }

  open(req: IncomingMessage, res: ServerResponse, kind: StreamKind, url: URL): void {
    const { state } = this.options;
    const refusal = state.refusals[0];
    if (refusal) {
      if (--refusal.count <= 0) state.refusals.shift();
      const headers = refusal.status === 429 ? rateLimitHeaders(50, 0, refusal.resetInSeconds) : {};
      sendJson(res, refusal.status, httpProblem(refusal.status), headers);
      return;
    }
    const request = parseStreamRequest(url.searchParams);
    if ("title" in request) {
      sendJson(res, 400, request);
      return;
    }
    // Open and lingering connections both count, as on X.
    if (this.registry.active().length >= this.options.maxConnections) {
      sendJson(res, 429, tooManyConnections(), rateLimitHeaders(50, 49));
      return;
    }
    const gzip = this.options.gzip && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
      ...rateLimitHeaders(50, 49),
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const connection = new StreamConnection(
      ++this.connectionCount,
      kind,
      res,
      request.projection,
      this.context,
      gzip,
    );
    this.connections.add(connection);
    const record = this.registry.opened(connection, req.socket.remoteAddress ?? "");
    res.once("close", () => {
      this.connections.delete(connection);
      this.registry.closed(record, connection.closedByServer);
    });
    if (request.backfillMinutes > 0) {
      const since = Date.now() - request.backfillMinutes * 60_000;
      const missed = this.options.history.publishedSince(since);
      connection.backfill(missed.map(({ post, omitAuthor }) => ({ kind: "tweet", tweet: post, omitAuthor })));
    }
    for (const apply of state.nextConnection.splice(0)) apply(connection);
    const ready = this.waiters.filter((w) => w.count <= this.connectionCount);
    this.waiters = this.waiters.filter((w) => w.count > this.connectionCount);
    for (const waiter of ready) waiter.resolve();
    void connection.run();
  }

  waitForConnections(count: number, timeoutMs: number): Promise<void> {
    if (this.connectionCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fewer than ${count} stream connections`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  closeAll(): void {
    this.registry.closeAll();
    for (const connection of this.connections) connection.destroy();
  }
}
