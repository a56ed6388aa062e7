import type { IncomingMessage, ServerResponse } from "node:http";
import { createFaults, type FaultState, type XEmulatorFaults } from "./faults.js";
import { rateLimitHeaders, sendJson } from "./http-helpers.js";
import type { Random } from "./prng.js";
import type { RuleSet } from "./rules.js";
import {
  type SentTweet,
  StreamConnection,
  type StreamContext,
  type StreamKind,
} from "./stream-connection.js";
import { StreamQueue } from "./stream-queue.js";
import { parseStreamQuery } from "./stream-request.js";
import { httpProblem, tooManyConnections } from "./x-problems.js";

export interface StreamHubOptions {
  ruleSet: RuleSet;
  random: Random;
  keepAliveMs: number;
  maxConnections: number;
  recordSent: boolean;
  /** Compress streams with gzip when the client accepts it (X does; twitter-api-v2 asks for it). */
  gzip: boolean;
  state: FaultState;
}

/** The stream side of the emulator: the shared queue, the open connections, and what was sent. */
export class StreamHub {
  readonly queue = new StreamQueue();
  readonly connections = new Set<StreamConnection>();
  readonly sent: SentTweet[] = [];
  readonly faults: XEmulatorFaults;
  connectionCount = 0;
  private readonly context: StreamContext;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly options: StreamHubOptions) {
    this.faults = createFaults(options.state, this.queue, this.connections);
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
    if (this.connections.size >= this.options.maxConnections) {
      sendJson(res, 429, tooManyConnections(), rateLimitHeaders(50, 49));
      return;
    }
    const projection = parseStreamQuery(url.searchParams);
    if ("title" in projection) {
      sendJson(res, 400, projection);
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
      projection,
      this.context,
      gzip,
    );
    this.connections.add(connection);
    res.once("close", () => this.connections.delete(connection));
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
    for (const connection of this.connections) connection.destroy();
  }
}
