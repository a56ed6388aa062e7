import { describe, expect, it } from "vitest";
import type { TweetEvent } from "../../../events/index.js";
import { PostIntake } from "../post-intake.js";
import { EDGE_MARGIN_MS } from "../recovery/recovery-plan.js";
import { SeenIds } from "../recovery/seen-ids.js";
import { idBefore } from "../snowflake.js";
import { CollectingSink, RecordedEvents } from "./ingest-harness.js";

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
/** Posts created 100 ms apart, as events carrying only what the intake reads. */
const posts = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => ({ id: (BigInt(idBefore(T0 + i * 100)) + 1n).toString() }) as TweetEvent,
  );

function intake(windowIds: number) {
  const sink = new CollectingSink();
  const events = new RecordedEvents();
  const taken = new PostIntake({
    sink,
    report: events.report,
    deduplicate: true,
    seen: new SeenIds(3_600_000, windowIds),
  });
  return { taken, sink, events };
}

describe("PostIntake de-duplication", () => {
  it("an ordered replay larger than the window (backfill at high rates) is skipped whole, by the floor", () => {
    const { taken, sink, events } = intake(100);
    const streamed = posts(300);
    for (const post of streamed) taken.accept(post, "stream", T0);
    // The reconnect asks for backfill: X resends all 300, oldest first; the window remembers only 100.
    taken.raiseFloor(streamed.at(-1)?.id, EDGE_MARGIN_MS);
    for (const post of streamed) taken.accept(post, "backfilled", T0);
    expect(sink.events).toHaveLength(300);
    expect(events.duplicates).toBe(300);
    expect(events.recovered).toBe(0);
  });

  it("the floor holds back only a backfill's replay: a streamed post below it (delivered late) is new and taken", () => {
    const { taken, sink, events } = intake(100);
    const [late, ...streamed] = posts(300);
    for (const post of streamed) taken.accept(post, "stream", T0);
    taken.raiseFloor(streamed.at(-1)?.id, EDGE_MARGIN_MS);
    taken.accept(late as TweetEvent, "stream", T0);
    expect(sink.events.at(-1)?.id).toBe(late?.id);
    expect(events.duplicates).toBe(0);
  });

  it("a recovery search reaches below the floor on purpose: an older gap's posts are still taken", () => {
    const { taken, sink, events } = intake(100);
    const [older, ...newer] = posts(50);
    for (const post of newer) taken.accept(post, "stream", T0);
    taken.raiseFloor(newer.at(-1)?.id, EDGE_MARGIN_MS);
    taken.accept(older as TweetEvent, "recovered", T0);
    expect(sink.events.at(-1)).toMatchObject({ id: older?.id, recovered: true });
    expect(events.recovered).toBe(1);
  });

  it("after a restart: the watermark's recent ids are skipped, and recovered posts said to be possible repeats are counted", () => {
    const { taken, sink, events } = intake(100);
    const [early, late, after] = posts(3).map((p, i) => ({
      ...p,
      id: (BigInt(idBefore(T0 + i * 1_000)) + 1n).toString(),
    }));
    // The previous process wrote its watermark with `early` and `late` durable.
    taken.restored([early?.id as string, late?.id as string], late?.id as string, EDGE_MARGIN_MS);
    for (const post of [early, late, after]) taken.accept(post as TweetEvent, "recovered", T0 + 5_000);
    expect(sink.events.map((e) => e.id)).toEqual([after?.id]);
    expect(events.duplicates).toBe(2);
    expect(events.count("possible-duplicate")).toBe(0);
    const between = { id: (BigInt(idBefore(T0 + 1_200)) + 5n).toString() } as TweetEvent;
    taken.accept(between, "recovered", T0 + 5_000, true);
    expect(events.count("possible-duplicate")).toBe(1);
  });

  it("lists the ids streamed just after a reconnect (a gap's end margin), and only those", () => {
    const { taken } = intake(100);
    const [first, second, recovered, late] = posts(4);
    const listed = taken.collectStreamed(1_000);
    taken.accept(first as TweetEvent, "stream", Date.now());
    taken.accept(recovered as TweetEvent, "recovered", Date.now());
    taken.accept(second as TweetEvent, "stream", Date.now() + 500);
    taken.accept(late as TweetEvent, "stream", Date.now() + 5_000);
    expect(listed).toEqual([first?.id, second?.id]);
  });
});
