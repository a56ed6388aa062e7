// `npm run test:container`: builds the real Dockerfile with buildah and runs the image as a container
// engine would. Not part of `npm test` (needs root, buildah and debootstrap; a cold run downloads a Debian
// base). See container/README.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { chown } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEvent } from "../../events/index.js";
import { missingProducerMetrics } from "../../observability/producer-metrics.js";
import {
  type ProducerBackends,
  STREAM_NAME,
  startProducerBackends,
} from "../../observability/test/producer-backends.js";
import { readStream } from "../../producer-service/test/support/kinesis-stream.js";
import { buildImage } from "../lib/build-image.js";
import {
  fromImage,
  type ImageConfig,
  type ImageInspection,
  inspectImage,
  mountContainer,
  removeQuietly,
  reportedImageSize,
} from "../lib/buildah.js";
import { get, waitForStatus } from "../lib/http-probe.js";
import {
  buildahRunArgs,
  healthcheckCommand,
  imageConfig,
  numericUid,
  processArgs,
} from "../lib/image-config.js";
import { findDescendantByExecutable, isAlive, processUids } from "../lib/process-tree.js";
import { rootfsChanges, snapshotRootfs } from "../lib/rootfs-snapshot.js";
import { runCommand } from "../lib/run-command.js";
import { RunningProcess } from "../lib/running-process.js";
import { ensureStandinBase } from "../lib/standin-base.js";

const repoRoot = new URL("../..", import.meta.url).pathname;
const context = process.env.CONTAINER_TEST_CONTEXT ?? repoRoot;
const cacheDir = join(repoRoot, ".cache/container");
const tag = "localhost/tweetstream-producer:container-test";
const containerName = `tweetstream-container-test-${process.pid}`;
const SPOOL = "/var/lib/tweetstream/spool";
const SHUTDOWN_GRACE_MS = 5_000;

const timings: string[] = [];
async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings.push(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
const log = (line: string) => process.stderr.write(`[test:container] ${line}\n`);

let inspection: ImageInspection;
let config: ImageConfig;
let rootfs: string;
let spoolDir: string;
let backends: ProducerBackends | undefined;
let baseUrl: string;
let producer: RunningProcess | undefined;
let producerPid: number;
let baseline: Map<string, string>;
let env: Record<string, string>;

/** One short process in the same container, as the image's user, with the same env and volume. */
async function runInContainer(command: readonly string[]): Promise<void> {
  const args = buildahRunArgs({
    container: containerName,
    config,
    env,
    volumes: { [spoolDir]: SPOOL },
    command,
  });
  await runCommand("buildah", args, { timeoutMs: 60_000 });
}

beforeAll(async () => {
  const started = performance.now();
  const origin = await timed("base image", () => ensureStandinBase({ cacheDir, log }));
  log(`base image: ${origin}`);
  await timed("image build", () =>
    buildImage({ context, tag, echo: process.env.CONTAINER_TEST_VERBOSE === "1" }),
  );
  const inspected = await inspectImage(tag);
  if (!inspected) throw new Error(`${tag} is missing after a successful build`);
  inspection = inspected;
  config = imageConfig(inspection);
  await fromImage(tag, containerName);
  rootfs = await mountContainer(containerName);
  // A fresh named volume: empty, owned by the image's user, as Docker initialises it from the image.
  spoolDir = mkdtempSync(join(tmpdir(), "tweetstream-spool-"));
  const uid = numericUid(config.User) ?? 0;
  await chown(spoolDir, uid, uid);
  // The real X API emulator and kinesalite on host loopback: chroot isolation shares the host's network.
  backends = await startProducerBackends();
  env = backends.env;
  baseUrl = `http://127.0.0.1:${backends.port}`;
  // Baseline of the root filesystem after buildah's own per-run setup, before the producer touches it.
  await runInContainer(["node", "-e", "0"]);
  baseline = await snapshotRootfs(rootfs);
  producer = new RunningProcess(
    "buildah",
    buildahRunArgs({ container: containerName, config, env, volumes: { [spoolDir]: SPOOL } }),
  );
  const running = producer;
  await timed("producer start", () =>
    waitForStatus(`${baseUrl}/healthz`, 200, 30_000, () => running.running),
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- container output ---\n${running.log}`);
  });
  const executable = processArgs(config)[0]?.split("/").pop() ?? "node";
  const pid = findDescendantByExecutable(producer.pid, executable);
  if (pid === undefined) throw new Error(`no ${executable} process under buildah run (pid ${producer.pid})`);
  producerPid = pid;
  timings.push(`setup total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 20 * 60_000);

afterAll(async () => {
  producer?.kill();
  await producer?.exited;
  await backends?.close();
  await removeQuietly("rm", [containerName]);
  await removeQuietly("rmi", [tag]);
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  log(timings.join("; "));
  if (producer && producer.log.length > 0) log(`container output (tail):\n${producer.log.slice(-3_000)}`);
}, 120_000);

describe("the producer image, run from its own config", () => {
  it("runs as a non-root user, as declared and as the kernel sees it", () => {
    const uid = numericUid(config.User);
    expect(uid, `USER ${config.User} should be numeric`).toBeDefined();
    expect(uid).not.toBe(0);
    expect(processUids(producerPid)).toEqual([uid, uid, uid, uid]);
  });

  it("declares its spool as a volume owned by that user", () => {
    expect(Object.keys(config.Volumes ?? {})).toEqual([SPOOL]);
    expect(config.Env).toContain(`SPOOL_DIR=${SPOOL}`);
    const spool = statSync(join(rootfs, SPOOL));
    expect(spool.uid).toBe(numericUid(config.User));
    expect(spool.mode & 0o777).toBe(0o750);
    expect(statSync(join(rootfs, SPOOL, "..")).uid, "the spool's parent stays root's").toBe(0);
  });

  it("answers /healthz with 200, and the image's own HEALTHCHECK command passes", async () => {
    expect((await get(`${baseUrl}/healthz`)).status).toBe(200);
    const probe = healthcheckCommand(config);
    expect(probe, "the image declares a HEALTHCHECK").toBeDefined();
    await runInContainer(probe ?? []);
  });

  it("becomes ready: connected to X and writing to Kinesis", async () => {
    const { body } = await waitForStatus(`${baseUrl}/readyz`, 200, 30_000, () => producer?.running ?? false);
    expect(JSON.parse(body)).toMatchObject({ status: "ready" });
  });

  it("puts every tweet it reads from X into the stream, intact", async () => {
    const kinesis = backends?.kinesis;
    if (!backends || !kinesis) throw new Error("backends did not start");
    const published = backends.x.publish(25).map(({ tweet }) => ({ id: tweet.id, text: tweet.text }));
    const deadline = Date.now() + 20_000;
    let stored: { id: string; text: string }[] = [];
    while (stored.length < published.length && Date.now() < deadline) {
      await sleep(250);
      stored = (await readStream(kinesis, STREAM_NAME))
        .flatMap((record) => record.userRecords)
        .map((data) => {
          const decoded = decodeEvent(data);
          if (!decoded.ok) throw new Error(`undecodable event in the stream: ${decoded.error.message}`);
          return { id: decoded.value.id, text: decoded.value.text };
        });
    }
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(stored.sort(byId)).toEqual(published.sort(byId));
  });

  it("exports every producer metric family and the default process metrics on /metrics", async () => {
    const { status, body } = await get(`${baseUrl}/metrics`);
    expect(status).toBe(200);
    expect(missingProducerMetrics(body)).toEqual([]);
    expect(body).toMatch(/^process_resident_memory_bytes \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("holds the compiled producer and production dependencies only", async () => {
    const pkg = JSON.parse(readFileSync(join(context, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const devPackages = Object.keys(pkg.devDependencies).filter((name) => {
      try {
        readFileSync(join(rootfs, "app/node_modules", name, "package.json"));
        return true;
      } catch {
        return false;
      }
    });
    expect(devPackages).toEqual([]);
    const { stdout: cdktf } = await runCommand(
      "find",
      [rootfs, "-xdev", "(", "-name", "cdktf*", "-o", "-name", "@cdktf", ")", "-print"],
      { timeoutMs: 60_000 },
    );
    expect(cdktf.trim()).toBe("");
    const { stdout: sources } = await runCommand(
      "find",
      [join(rootfs, "app/dist"), "-name", "*.ts", "-print"],
      {
        timeoutMs: 60_000,
      },
    );
    expect(sources.trim()).toBe("");
  });

  it("keeps nothing of the build-time CA or npm cache", async () => {
    expect((config.Env ?? []).filter((entry) => /^npm_config/i.test(entry))).toEqual([]);
    const history = (inspection.History ?? []).map((step) => step.created_by ?? "");
    expect(history.length).toBeGreaterThan(0);
    expect(history.filter((step) => step.includes("npm_config_cafile"))).toEqual([]);
    for (const path of ["run/host-ca.crt", "run/secrets/npm_ca", "root/.npm"]) {
      expect(existsSync(join(rootfs, path)), path).toBe(false);
    }
  });

  it("reports its size", async () => {
    const reported = await reportedImageSize(tag);
    const { stdout } = await runCommand("du", ["-sb", join(rootfs, "app")], { timeoutMs: 60_000 });
    const appBytes = Number(stdout.split("\t")[0]);
    log(`image size: ${reported} (buildah); /app: ${(appBytes / 1e6).toFixed(1)} MB`);
    // The producer's own layers are compiled code and production dependencies: tens of megabytes. The
    // dev toolchain (cdktf, providers, compilers) would add over a gigabyte.
    expect(appBytes).toBeGreaterThan(1e6);
    expect(appBytes).toBeLessThan(100e6);
  });

  it("exits 0 on SIGTERM within the shutdown grace period", async () => {
    expect(producer?.running).toBe(true);
    process.kill(producerPid, "SIGTERM");
    const exit = await timed("SIGTERM to exit", async () => producer?.waitForExit(SHUTDOWN_GRACE_MS + 5_000));
    expect(exit, `still running ${SHUTDOWN_GRACE_MS + 5_000} ms after SIGTERM`).toBeDefined();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(isAlive(producerPid)).toBe(false);
  });

  it("wrote nothing outside its spool volume, so the root filesystem can be read-only", async () => {
    expect(rootfsChanges(baseline, await snapshotRootfs(rootfs))).toEqual([]);
  });
});
