import { expect, it } from "vitest";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import { kinesisEvent, plain, sequenceNumber, tweet } from "./support/records.js";
import { tweetV2 } from "./support/v2-records.js";

// Issue 18 item 1: post A is stored, then its edit B arrives while DynamoDB hands B's put back as unprocessed
// (a throttled partition; the fault proxy refuses B's put and carries out everything else).
let env: ProcessorEnvironment;

describeOnEngines("handler on an edit whose newer version's put is throttled", (engine) => {
  // Two attempts per call: the fault outlasts the writer's retries, as a throttled partition can.
  useProcessorEnvironment(
    engine,
    (started) => {
      env = started;
    },
    { env: { WRITE_MAX_ATTEMPTS: "2" } },
  );

  it("keeps A in the table until B's put succeeds, then holds only B", async () => {
    const a = tweet(60);
    const b = tweetV2(110, { data: { edit_history_tweet_ids: [a.id, tweet(110).id] } });
    b.author = a.author;
    await env.handler(kinesisEvent([plain(a)]), invocation());
    const versionsStored = async () =>
      (await env.items()).filter((item) => item.Id === a.id || item.Id === b.id).map((item) => item.Id);
    env.proxy.setPlan(() => ({ kind: "unprocess", refuse: (item) => item.Id?.S === b.id }));
    const edit = kinesisEvent([plain(b)]);

    const duringFault = await env.handler(edit, invocation());
    const storedDuringFault = await versionsStored();
    env.proxy.setPlan(() => ({ kind: "forward" }));
    const retried = await env.handler(edit, invocation());

    // Before the two phases: A's delete went out in B's call and succeeded, the table held neither (0 items).
    expect(duringFault.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(0) }]);
    expect(storedDuringFault).toEqual([a.id]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await versionsStored()).toEqual([b.id]);
  });
});
