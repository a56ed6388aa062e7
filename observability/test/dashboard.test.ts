import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { metricNamesIn, PRODUCER_METRICS } from "../producer-metrics.js";
import { dashboardQueries, loadDashboard, type Panel } from "./dashboard-queries.js";

const dashboard = loadDashboard();
const panels = dashboard.panels;
const graphPanels = panels.filter((panel) => panel.type !== "row");
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
const DATASOURCE_VARIABLE = "${datasource}";

describe("the Grafana dashboard", () => {
  it("has a stable uid and unique panel ids", () => {
    expect(dashboard.uid).toBe("tweetstream-producer");
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lays its panels out on the 24-column grid without overlaps", () => {
    const overlaps = (a: Panel, b: Panel) =>
      a.gridPos.x < b.gridPos.x + b.gridPos.w &&
      b.gridPos.x < a.gridPos.x + a.gridPos.w &&
      a.gridPos.y < b.gridPos.y + b.gridPos.h &&
      b.gridPos.y < a.gridPos.y + a.gridPos.h;
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      expect(panel.gridPos.w * panel.gridPos.h, panel.title).toBeGreaterThan(0);
    }
    const clashes = panels.flatMap((a, i) =>
      panels.slice(i + 1).flatMap((b) => (overlaps(a, b) ? [`${a.title} / ${b.title}`] : [])),
    );
    expect(clashes).toEqual([]);
  });

  it("queries through its datasource variable, so it imports into any Grafana", () => {
    for (const panel of graphPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: DATASOURCE_VARIABLE });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.datasource, panel.title).toEqual(panel.datasource);
    }
    const variables = dashboard.templating.list.map((variable) => variable.name);
    expect(variables).toEqual(["datasource", "instance"]);
  });

  it("shows what operators need: ingest, puts, failures, latency, buffer, reconnects, drops, readiness, recovery", () => {
    const used = new Set(dashboardQueries(dashboard).flatMap((query) => metricNamesIn(query.expr)));
    for (const name of [
      "tweetstream_producer_tweets_received_total",
      "tweetstream_producer_records_put_total",
      "tweetstream_producer_put_requests_total",
      "tweetstream_producer_records_failed_total",
      "tweetstream_producer_put_duration_seconds",
      "tweetstream_producer_ack_latency_seconds",
      "tweetstream_producer_buffer_bytes",
      "tweetstream_producer_buffer_max_bytes",
      "tweetstream_producer_reconnects_total",
      "tweetstream_producer_records_dropped_total",
      "tweetstream_producer_stream_connected",
      "tweetstream_producer_ready",
      "tweetstream_producer_tweets_recovered_total",
      "tweetstream_producer_duplicates_skipped_total",
      "tweetstream_producer_recovery_skipped_total",
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it("uses only metrics the producer contract lists (checked against the live producer elsewhere)", () => {
    const unknown = dashboardQueries(dashboard).flatMap((query) =>
      metricNamesIn(query.expr)
        .filter((name) => !(name in PRODUCER_METRICS))
        .map((name) => `${query.panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it("is what Grafana's provisioning loads: provider path and datasource uid match the compose mounts", () => {
    const provider = readFileSync(
      new URL("../grafana/provisioning/dashboards/tweetstream.yml", import.meta.url),
      "utf8",
    );
    const datasource = readFileSync(
      new URL("../grafana/provisioning/datasources/prometheus.yml", import.meta.url),
      "utf8",
    );
    expect(provider).toMatch(/^\s+path: \/etc\/grafana\/dashboards$/m);
    expect(datasource).toMatch(/^\s+uid: prometheus$/m);
    const datasourceVariable = dashboard.templating.list.find((variable) => variable.name === "datasource");
    expect(datasourceVariable?.current?.value).toBe("prometheus");
  });
});
