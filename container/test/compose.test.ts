import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "../../producer-service/config.js";
import { describeWithTools, systemTool } from "../../test-support/system-tools.js";

const repoRoot = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string | null>;
  volumes?: string[];
  ports?: string[];
  read_only?: boolean;
  depends_on?: Record<string, { condition: string }>;
}

/**
 * docker-compose (Debian's 1.29, which validates against the Compose schema without a Docker engine),
 * run with none of the user's variables, as on a fresh clone.
 */
function composeConfig(...args: string[]) {
  const result = spawnSync(
    "docker-compose",
    ["--file", `${repoRoot}/docker-compose.yml`, "config", ...args],
    {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    },
  );
  if (result.error) throw new Error(`docker-compose: ${result.error.message} (apt package docker-compose)`);
  return result;
}

const dockerfile = readFileSync(`${repoRoot}/Dockerfile`, "utf8");
let resolved: ReturnType<typeof composeConfig>;
let services: Record<string, ComposeService> = {};
let producer: ComposeService = {};

describeWithTools([systemTool("docker-compose")], "docker-compose.yml", () => {
  beforeAll(() => {
    resolved = composeConfig();
    services = (parse(resolved.stdout ?? "") as { services: Record<string, ComposeService> }).services;
    producer = services.producer ?? {};
  });

  it("passes docker-compose config without any variable set", () => {
    expect(resolved.stderr).toBe("");
    expect(resolved.status).toBe(0);
    expect(Object.keys(services).sort()).toEqual(["grafana", "localstack", "producer", "prometheus"]);
  });

  it("pins every pulled image to a version and builds the producer from this repository's Dockerfile", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "producer") continue;
      expect(service.image, name).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
    }
    expect(producer.build?.context).toBe(repoRoot);
  });

  it("binds published ports to loopback only", () => {
    const ports = Object.values(services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it("mounts files that exist in the repository", () => {
    const sources = Object.values(services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(":")[0] ?? "")
      .filter((source) => source.startsWith("/"));
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  it("runs the producer read-only with its spool on a named volume at the image's SPOOL_DIR", () => {
    const spoolDir = /SPOOL_DIR=(\S+)/.exec(dockerfile)?.[1];
    expect(spoolDir).toBeDefined();
    expect(producer.read_only).toBe(true);
    expect(producer.volumes).toEqual([`spool:${spoolDir}:rw`]);
    expect(producer.depends_on?.localstack?.condition).toBe("service_healthy");
  });

  it("gives the producer an environment its own config loader accepts once X credentials are added", () => {
    const environment = Object.fromEntries(
      Object.entries(producer.environment ?? {}).filter(([, value]) => value !== null),
    ) as Record<string, string>;
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(/X_BEARER_TOKEN: not set/);

    const config = loadConfig({ ...environment, X_BEARER_TOKEN: "token-from-the-shell" });

    expect(config.kinesis.target).toEqual({ StreamName: "tweetstream-events" });
    expect(config.kinesis.endpoint).toBe("http://localstack:4566");
    // Secrets are passed through from the caller's environment, never written in the file.
    for (const secret of ["X_BEARER_TOKEN", "X_API_KEY", "X_API_SECRET"]) {
      expect(producer.environment).toHaveProperty(secret, null);
    }
  });

  it("creates in LocalStack the stream, table and queue the stack names (init hook)", () => {
    const script = `${repoRoot}/container/localstack/init-aws.sh`;
    const syntax = spawnSync("bash", ["-n", script], { encoding: "utf8" });
    expect(syntax.stderr).toBe("");
    expect(syntax.status).toBe(0);
    const text = readFileSync(script, "utf8");
    expect(text).toContain("STREAM=tweetstream-events");
    expect(text).toContain("TABLE=tweetstream-EventData");
    expect(text).toContain("DLQ=tweetstream-processor-dlq");
    expect(text).toContain("AttributeName=Username,KeyType=HASH AttributeName=Id,KeyType=RANGE");
  });

  it("has Prometheus scrape the producer service under the job name the alert rules match", () => {
    const prometheus = parse(readFileSync(`${repoRoot}/observability/prometheus/prometheus.yml`, "utf8")) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const job = prometheus.scrape_configs.find((config) => config.job_name === "tweetstream-producer");
    expect(job?.static_configs[0]?.targets).toEqual(["producer:3000"]);
    expect(readFileSync(`${repoRoot}/observability/prometheus/alerts.yml`, "utf8")).toContain(
      'job="tweetstream-producer"',
    );
  });
});
