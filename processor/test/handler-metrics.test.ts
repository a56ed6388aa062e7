import { expect, it } from "vitest";
import { describeOnEngines } from "../../local/test/support/dynamo-engines.js";
import { PROCESSOR_METRICS } from "../metrics.js";
import { captureEmf } from "./support/emf.js";
import { invocation, type ProcessorEnvironment, useProcessorEnvironment } from "./support/environment.js";
import { kinesisEvent, malformedPayloads, plain, replaceData, tweet } from "./support/records.js";
import { tweetV2 } from "./support/v2-records.js";

// Issue 18 item 4: the handler publishes one embedded-metric-format line per batch on stdout, which CloudWatch
// Logs turns into the metrics infra's alarms read (names from metrics.ts).
let env: ProcessorEnvironment;

describeOnEngines("handler metrics", (engine) => {
  useProcessorEnvironment(
    engine,
    (started) => {
      env = started;
    },
    { env: { WRITE_MAX_ATTEMPTS: "2", POWERTOOLS_METRICS_DISABLED: "false" } },
  );

  it("writes one EMF line per batch with what the batch did, under the function's name", async () => {
    // Post 1, its edit (2 deletes 1), post 3, and a malformed record.
    const edit = tweetV2(51, { data: { edit_history_tweet_ids: [tweet(1).id, tweet(51).id] } });
    edit.author = tweet(1).author;
    await captureEmf(() => env.handler(kinesisEvent([plain(tweet(1))]), invocation()));
    const event = replaceData(
      kinesisEvent([plain(edit), plain(tweet(3)), plain(tweet(4))]),
      2,
      malformedPayloads().schema,
    );

    const { lines } = await captureEmf(() => env.handler(event, invocation()));

    expect(lines).toHaveLength(1);
    expect(lines[0]?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual([...PROCESSOR_METRICS]);
    expect(lines[0]).toMatchObject({
      FunctionName: "processor",
      ItemsWritten: 2,
      ItemsDeadLettered: 1,
      ItemsRefusedSystemic: 0,
      BatchesCutByDeadline: 0,
      EarlierVersionsDeleted: 1,
    });
  });

  it("counts items refused as systemic and a batch cut by the deadline", async () => {
    env.proxy.setPlan(() => ({ kind: "reject" }));
    const refused = await captureEmf(() =>
      env.handler(kinesisEvent([plain(tweet(5)), plain(tweet(6))]), invocation()),
    );
    env.proxy.setPlan(() => ({ kind: "hang" }));
    const cut = await captureEmf(() => env.handler(kinesisEvent([plain(tweet(7))]), invocation(1500)));
    env.proxy.setPlan(() => ({ kind: "forward" }));

    expect(refused.lines).toMatchObject([
      { ItemsRefusedSystemic: 2, ItemsWritten: 0, BatchesCutByDeadline: 0 },
    ]);
    expect(cut.result.batchItemFailures).toHaveLength(1);
    expect(cut.lines).toMatchObject([{ BatchesCutByDeadline: 1, ItemsWritten: 0 }]);
  });
});
