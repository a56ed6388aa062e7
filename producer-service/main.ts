import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

/** Entry point: builds the app, listens, and turns signals and fatal ingest errors into a clean exit. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`tweetstream producer: ${err.message}\n`);
    process.exit(2);
  }

  const app = buildApp(config);
  let closing: Promise<void> | undefined;
  const shutdown = (reason: string, exitCode: number) => {
    if (closing !== undefined) {
      app.log.info({ reason }, "already shutting down");
      return;
    }
    app.log.info({ reason }, "shutting down");
    // A hung close must not outlive the orchestrator's patience: it sends SIGKILL anyway.
    const hardStop = setTimeout(() => {
      app.log.error("shutdown took longer than SHUTDOWN_GRACE_MS allows; exiting");
      process.exit(1);
    }, config.server.shutdownGraceMs + 5_000);
    hardStop.unref();
    closing = app.close().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        app.log.error({ err }, "error while shutting down");
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: Ctrl-C under `npm run producer` reaches this process more than once (the terminal signals
  // the whole group, and npm and tsx pass it on), and a copy meeting no listener would kill the flush half-way.
  process.on("SIGTERM", () => shutdown("SIGTERM", 0));
  process.on("SIGINT", () => shutdown("SIGINT", 0));

  await app.listen({ port: config.server.port, host: config.server.host });
  app.xIngest.fatal.then((err) => {
    app.log.fatal({ err }, `X stream failed for good: ${err.message}`);
    shutdown("fatal X stream error", 1);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `tweetstream producer: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
