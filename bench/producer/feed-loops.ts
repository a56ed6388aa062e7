import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { WireChunk } from "../input/x-wire.js";
import type { ProducerPipeline } from "./variant.js";

export interface FeedBudget {
  maxTweets: number;
  maxMs: number;
}

export interface FeedOutcome {
  /** Tweets whose last byte was fed. */
  fedTweets: number;
  /** Tweets the run was due to deliver: at full speed those fed; paced, every one scheduled, fed or not. */
  dueTweets: number;
  /** From the first read to the end of drain. */
  elapsedMs: number;
  /** False when drain did not finish within the grace period. */
  drained: boolean;
}

/**
 * Feeds reads as fast as the pipeline takes them, cycling through the input, until the tweet or time budget
 * is spent, then drains. Each read is its own event-loop turn, as socket reads are.
 */
export async function feedAtFullSpeed(
  pipeline: ProducerPipeline,
  chunks: readonly WireChunk[],
  budget: FeedBudget,
  drainGraceMs: number,
): Promise<FeedOutcome> {
  const started = performance.now();
  const deadline = started + budget.maxMs;
  let fedTweets = 0;
  for (let i = 0; fedTweets < budget.maxTweets && performance.now() < deadline; i = (i + 1) % chunks.length) {
    const chunk = chunks[i] as WireChunk;
    const paused = pipeline.feed(chunk.bytes, Date.now());
    if (paused) await paused;
    else await nextTurn();
    fedTweets += chunk.completes;
  }
  const drained = await drainWithin(pipeline, drainGraceMs);
  return { fedTweets, dueTweets: fedTweets, elapsedMs: performance.now() - started, drained };
}

/**
 * Feeds one message per read at a fixed rate. A read's receive time is when it was due, not when the loop
 * got to it: if the pipeline holds the loop up (a paused socket), the wait counts as latency, as it would for
 * tweets piling up in the socket.
 */
export async function feedAtRate(
  pipeline: ProducerPipeline,
  messages: readonly WireChunk[],
  tweetsPerSecond: number,
  durationMs: number,
  drainGraceMs: number,
): Promise<FeedOutcome> {
  const intervalMs = 1000 / tweetsPerSecond;
  const total = Math.round((durationMs / 1000) * tweetsPerSecond);
  const startedWall = Date.now();
  const started = performance.now();
  const hardStop = started + durationMs + drainGraceMs;
  let k = 0;
  while (k < total && performance.now() < hardStop) {
    const dueMs = k * intervalMs;
    const waitMs = dueMs - (performance.now() - started);
    if (waitMs > 0) await sleep(waitMs);
    const paused = pipeline.feed((messages[k % messages.length] as WireChunk).bytes, startedWall + dueMs);
    k++;
    if (paused) await Promise.race([paused, sleep(Math.max(0, hardStop - performance.now()))]);
  }
  const drained = await drainWithin(pipeline, Math.max(0, hardStop - performance.now()));
  // A pipeline that holds the loop up (the seed design) leaves scheduled tweets unread: they count as due.
  return { fedTweets: k, dueTweets: total, elapsedMs: performance.now() - started, drained };
}

async function drainWithin(pipeline: ProducerPipeline, graceMs: number): Promise<boolean> {
  const timedOut = Symbol("timeout");
  const ac = new AbortController();
  const result = await Promise.race([
    pipeline.drain().then(() => true),
    sleep(graceMs, timedOut, { signal: ac.signal }).catch(() => timedOut),
  ]);
  ac.abort();
  return result === true;
}
