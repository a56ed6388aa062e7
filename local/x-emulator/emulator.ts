import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ComplianceJobs, type ComplianceJobsOptions } from "./compliance/jobs.js";
import { Billing, type BillingRefusal, type XEmulatorBilling } from "./http/billing.js";
import { sendJson } from "./http/messages.js";
import { NetworkSwitch } from "./http/network-switch.js";
import { createTweetGenerator, type TweetGeneratorOptions } from "./posts/generator.js";
import { DEFAULT_HISTORY_SIZE, PostHistory } from "./posts/history.js";
import { createRandom } from "./posts/prng.js";
import { createRateGenerator } from "./posts/rate-generator.js";
import type { GeneratedTweet, XUser } from "./posts/x-types.js";
import { type RecordedRequest, route } from "./routes.js";
import { RuleSet, type StreamRule } from "./rules/rule-set.js";
import type { ChunkingMode } from "./stream/chunking.js";
import type { SentTweet } from "./stream/connection.js";
import type { XEmulatorFaults } from "./stream/faults.js";
import { StreamHub } from "./stream/hub.js";
import type { ConnectionRecord } from "./stream/registry.js";

export interface XEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The app-only bearer token the emulator accepts. Default "emulator-bearer-token". */
  bearerToken?: string;
  /** What `POST /oauth2/token` exchanges for the bearer token. Defaults "emulator-key" / "emulator-secret". */
  apiKey?: string;
  apiSecret?: string;
  /** Generate tweets continuously at this rate (0: only `publish`). Default 0. */
  tweetsPerSecond?: number;
  /** Rate-driven generation stops after this many tweets. Default unlimited. */
  totalTweets?: number;
  /** Interval of the `\r\n` keep-alive on open streams. Default 20,000 (X's). */
  keepAliveMs?: number;
  /** Seeds the tweet generator and the random chunk boundaries. Default 1. */
  seed?: number;
  /** How the byte stream is cut into writes. Default "coalesced". */
  chunking?: ChunkingMode;
  /** Concurrent stream connections allowed; one more gets X's 429 TooManyConnections. Default 1, as on X. */
  maxConnections?: number;
  /** Keep every sent tweet in `sent` (turn off for long benchmark runs). Default true. */
  recordSent?: boolean;
  /** Gzip the streams of clients that accept it, as X does (chunk boundaries then are gzip's). Default false. */
  gzip?: boolean;
  /** Rate-driven generation pauses while this many items wait for a connection. Default 100,000. */
  maxQueued?: number;
  /** Published posts kept for search and backfill; past it the oldest are forgotten. Default 20,000. */
  historySize?: number;
  /** How long a connection the client dropped keeps counting against `maxConnections`. Default 0. */
  lingerMs?: number;
  generator?: Omit<TweetGeneratorOptions, "seed">;
  /** Refuse every stream connection and recent search for billing from the start (`billing.lift()` ends it). */
  billingRefusal?: BillingRefusal;
  /** Batch compliance jobs: processing time and upload window (see compliance-jobs.ts). */
  compliance?: ComplianceJobsOptions;
}

/** A tweet to publish; `author: null` sends it without its author in `includes` (a broken expansion). */
export type PublishTweet = GeneratedTweet | { tweet: GeneratedTweet["tweet"]; author: null };

export interface XEmulator {
  /** Base URL, for example `http://127.0.0.1:40123` (API paths start with `/2/`). */
  url: string;
  bearerToken: string;
  /** Every tweet written onto a stream, in order. */
  sent: SentTweet[];
  /** Every request (method, path, query), without headers: no secrets are kept. */
  requests: RecordedRequest[];
  /** Stream connections accepted so far. */
  readonly connectionCount: number;
  readonly openConnections: number;
  /** Tweets and injected lines waiting for a connection. */
  readonly queued: number;
  /** Posts published so far (streamed or not), as search and backfill see them. */
  readonly published: number;
  /** Published posts forgotten because the history was full. */
  readonly historyEvicted: number;
  /** The app's stream connections as the Connections API reports them, oldest first. */
  connections(): ConnectionRecord[];
  /** Generates `n` tweets, or takes the given ones, and queues them for the stream. */
  publish(input: number | PublishTweet[]): GeneratedTweet[];
  setRate(tweetsPerSecond: number): void;
  rules(): StreamRule[];
  authors: readonly XUser[];
  faults: XEmulatorFaults;
  /** X's billing refusals (429 usage-capped, 402 credits-depleted) on stream connections and recent search. */
  billing: XEmulatorBilling;
  /** Batch compliance: mark posts deleted or geo-scrubbed, accounts suspended/protected/...; job knobs. */
  compliance: ComplianceJobs;
  /** Resolves once `count` stream connections have been accepted in total. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts an HTTP server speaking X API v2's filtered and sample streams, stream rules and app-only auth. */
export async function startXEmulator(options: XEmulatorOptions = {}): Promise<XEmulator> {
  const seed = options.seed ?? 1;
  // Posts are created when published, as on X: search's time window and backfill depend on it.
  const generator = createTweetGenerator({
    seed,
    startTimeMs: Date.now(),
    clock: Date.now,
    ...options.generator,
  });
  const history = new PostHistory(options.historySize ?? DEFAULT_HISTORY_SIZE);
  const network = new NetworkSwitch();
  const ruleSet = new RuleSet();
  const maxQueued = options.maxQueued ?? 100_000;
  const hub = new StreamHub({
    ruleSet,
    random: createRandom(seed ^ 0x5eed),
    keepAliveMs: options.keepAliveMs ?? 20_000,
    maxConnections: options.maxConnections ?? 1,
    recordSent: options.recordSent ?? true,
    gzip: options.gzip ?? false,
    state: {
      chunking: options.chunking ?? "coalesced",
      refusals: [],
      nextConnection: [],
      lingerMs: options.lingerMs ?? 0,
    },
    history,
    network,
  });
  const credentials = {
    bearerToken: options.bearerToken ?? "emulator-bearer-token",
    apiKey: options.apiKey ?? "emulator-key",
    apiSecret: options.apiSecret ?? "emulator-secret",
  };
  const requests: RecordedRequest[] = [];
  const compliance = new ComplianceJobs(options.compliance);
  const billing = new Billing(options.billingRefusal);

  const publish = (input: number | PublishTweet[]): GeneratedTweet[] => {
    const tweets = typeof input === "number" ? Array.from({ length: input }, () => generator.next()) : input;
    for (const t of tweets) {
      const post = t as GeneratedTweet;
      const omitAuthor = t.author === null;
      history.add({ post, omitAuthor, publishedAtMs: Date.now() });
      // During a network outage posts are published on X but no stream can carry them: the gap to recover.
      if (!network.down) hub.queue.push({ kind: "tweet", tweet: post, omitAuthor });
      compliance.registerPost(t.tweet.id, t.tweet.author_id);
    }
    return tweets.filter((t): t is GeneratedTweet => t.author !== null);
  };
  const rate = createRateGenerator(publish, {
    totalTweets: options.totalTweets ?? Number.POSITIVE_INFINITY,
    room: () => maxQueued - hub.queue.length,
  });

  const server = createServer((req, res) => {
    route({ hub, billing, ruleSet, credentials, requests, compliance, history }, req, res).catch(
      (error: Error) => {
        if (res.headersSent) res.destroy();
        else
          sendJson(res, 500, { title: "Internal Server Error", detail: error.message, type: "about:blank" });
      },
    );
  });
  network.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  rate.setRate(options.tweetsPerSecond ?? 0);

  return {
    url: `http://${address.address}:${address.port}`,
    bearerToken: credentials.bearerToken,
    sent: hub.sent,
    requests,
    get connectionCount() {
      return hub.connectionCount;
    },
    get openConnections() {
      return hub.connections.size;
    },
    get queued() {
      return hub.queue.length;
    },
    get published() {
      return history.length + history.evicted;
    },
    get historyEvicted() {
      return history.evicted;
    },
    connections: () => hub.registry.records.map((record) => ({ ...record })),
    publish,
    setRate: rate.setRate,
    rules: () => ruleSet.list(),
    authors: generator.authors,
    faults: hub.faults,
    billing,
    compliance,
    waitForConnections: (count, timeoutMs = 10_000) => hub.waitForConnections(count, timeoutMs),
    async close() {
      rate.setRate(0);
      network.restore();
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
