// A real Prometheus (Debian's binary) scrapes the real producer, which reads the X API emulator and writes
// to kinesalite; the alert rules are loaded and the dashboard's queries are run against what it scraped.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp, type ProducerApp } from "../../producer-service/app.js";
import { loadConfig } from "../../producer-service/config.js";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";
import { metricNamesIn, missingProducerMetrics, PRODUCER_METRICS } from "../producer-metrics.js";
import { asPromQL, dashboardQueries, loadDashboard } from "./dashboard-queries.js";
import { type ProducerBackends, startProducerBackends } from "./producer-backends.js";
import { type PrometheusServer, startPrometheus } from "./prometheus-server.js";

const JOB = "tweetstream-producer";
// A steady flow, as in service: rates are non-zero and "no tweets" stays quiet.
const TWEETS_PER_SECOND = 20;
const alertsFile = new URL("../prometheus/alerts.yml", import.meta.url).pathname;

let backends: ProducerBackends;
let producer: ProducerApp;
let prometheus: PrometheusServer;

/** Polls a query until `accept` likes its result; fails with the last result after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last) && Date.now() < deadline) {
    await sleep(250);
    last = await read();
  }
  return last;
}

const scalar = async (promql: string) => Number((await prometheus.query(promql))[0]?.value[1] ?? Number.NaN);

describeWithTools([systemTool("prometheus")], "Prometheus scraping the running producer", () => {
  beforeAll(async () => {
    backends = await startProducerBackends();
    const config = loadConfig({ ...backends.env, HOST: "127.0.0.1" });
    producer = buildApp(config, { kinesisClient: backends.kinesis });
    await producer.listen({ host: config.server.host, port: config.server.port });
    backends.x.setRate(TWEETS_PER_SECOND);
    prometheus = await startPrometheus({
      job: JOB,
      targets: [`127.0.0.1:${backends.port}`],
      ruleFiles: [alertsFile],
    });
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await producer?.close();
    await backends?.close();
  });

  it("sees the target up, ready, and records put at about the emulator's rate", async () => {
    // Prometheus's target discovery publishes its first update after about 5 s.
    const up = await eventually(
      () => scalar(`up{job="${JOB}"}`),
      (value) => value === 1,
    );
    expect(up).toBe(1);
    expect(await scalar(`tweetstream_producer_ready{job="${JOB}"}`)).toBe(1);
    // irate: the last two samples. rate() over a window that holds only seconds of data under-reports.
    const putRate = `irate(tweetstream_producer_records_put_total{job="${JOB}"}[1m])`;
    const rate = await eventually(
      () => scalar(putRate),
      (value) => value > 0,
    );
    expect(rate).toBeGreaterThan(TWEETS_PER_SECOND / 4);
    expect(rate).toBeLessThan(TWEETS_PER_SECOND * 4);
  });

  it("finds every metric family the dashboard and rules rely on, with its type, on /metrics", async () => {
    const response = await fetch(`http://127.0.0.1:${backends.port}/metrics`);
    expect(missingProducerMetrics(await response.text())).toEqual([]);
  });

  it("loads the fourteen alert rules and evaluates each of them without error", async () => {
    type Rule = { name: string; query: string; health: string; lastError?: string; lastEvaluation: string };
    const readRules = async () =>
      (await prometheus.api<{ groups: { rules: Rule[] }[] }>("/api/v1/rules")).groups.flatMap((g) => g.rules);
    const evaluated = (rules: Rule[]) =>
      rules.length > 0 && rules.every((rule) => !rule.lastEvaluation.startsWith("0001-"));
    const rules = await eventually(readRules, evaluated);

    expect(rules.map((rule) => rule.name).sort()).toEqual([
      "TweetstreamProducerBufferNearFull",
      "TweetstreamProducerDown",
      "TweetstreamProducerDroppingRecords",
      "TweetstreamProducerKinesisRefusingAllRequests",
      "TweetstreamProducerNoTweets",
      "TweetstreamProducerNotReady",
      "TweetstreamProducerPutFailureRatio",
      "TweetstreamProducerRecoverySkipped",
      "TweetstreamProducerSpoolBroken",
      "TweetstreamProducerSpoolFull",
      "TweetstreamProducerSpoolRecordsLost",
      "TweetstreamProducerSpooling",
      "TweetstreamProducerWatermarkNotSaved",
      "TweetstreamProducerXBillingRefused",
    ]);
    for (const rule of rules)
      expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? "" }).toEqual({
        rule: rule.name,
        health: "ok",
        error: "",
      });
    const unknown = rules.flatMap((rule) =>
      metricNamesIn(rule.query).filter((name) => !(name in PRODUCER_METRICS)),
    );
    expect(unknown).toEqual([]);
  });

  it("has no alert pending or firing for a healthy producer", async () => {
    // Before the first scrape the "down" rule sees no target and goes pending; a scrape clears it.
    const active = async () =>
      (await prometheus.api<{ alerts: { labels: { alertname: string } }[] }>("/api/v1/alerts")).alerts.map(
        (alert) => alert.labels.alertname,
      );
    expect(await eventually(active, (names) => names.length === 0)).toEqual([]);
  });

  it("answers every dashboard query, with data wherever the producer has series", async () => {
    // Labelled counters that only get series on their first event (a failure, a malformed X message).
    const eventOnly = [
      "tweetstream_producer_records_failed_total",
      "tweetstream_producer_stream_messages_dropped_total",
    ];
    const queries = dashboardQueries(loadDashboard());
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      const result = await prometheus.query(asPromQL(expr));
      const needsData = !metricNamesIn(expr).every((name) => eventOnly.includes(name));
      if (needsData && result.length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});
