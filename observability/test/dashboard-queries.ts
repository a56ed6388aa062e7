import { readFileSync } from "node:fs";

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: unknown }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; current?: { value?: string } }[] };
}

export function loadDashboard(): Dashboard {
  const url = new URL("../grafana/dashboards/tweetstream-producer.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Dashboard;
}

export interface DashboardQuery {
  readonly panel: string;
  readonly expr: string;
}

export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

/**
 * The query Grafana would send, for Prometheus's HTTP API: dashboard and built-in variables replaced by
 * values valid in PromQL ("All" instances, a 1-minute rate window, a 5-minute range).
 */
export function asPromQL(expr: string): string {
  return expr.replaceAll("$__rate_interval", "1m").replaceAll("$__range", "5m").replaceAll("$instance", ".+");
}
