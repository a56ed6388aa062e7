import { afterEach } from "vitest";
import { startXEmulator, type XEmulator, type XEmulatorOptions } from "../index.js";
import { openRawStream, type RawStream, STREAM_QUERY } from "./raw-client.js";
import { addRules } from "./x-http.js";

export const FILTERED_STREAM = `/2/tweets/search/stream?${STREAM_QUERY}`;
export const SAMPLE_STREAM = `/2/tweets/sample/stream?${STREAM_QUERY}`;

/** The posts and injected lines of a raw stream, keep-alives (empty lines) left out. */
export const postLines = (stream: RawStream): string[] => stream.lines().filter((line) => line !== "");

export interface EmulatorPerTest {
  /** Starts this test's emulator, with these stream rules added first (the filtered stream needs one). */
  start(options?: XEmulatorOptions, rules?: { value: string; tag?: string }[]): Promise<XEmulator>;
  /** This test's emulator. */
  readonly x: XEmulator;
  /** Opens a raw stream connection to this test's emulator (the filtered stream unless told). */
  open(path?: string): Promise<RawStream>;
}

/**
 * One emulator per test and the raw streams opened on it, all closed after each test: the set-up every
 * emulator test file shares. Call it at the top of a test file.
 */
export function emulatorPerTest(): EmulatorPerTest {
  let current: XEmulator | undefined;
  const streams: RawStream[] = [];
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await current?.close();
    current = undefined;
  });
  const emulator = (): XEmulator => {
    if (current === undefined) throw new Error("start() the emulator first");
    return current;
  };
  return {
    async start(options, rules) {
      current = await startXEmulator(options);
      if (rules !== undefined) await addRules(current, rules);
      return current;
    },
    get x() {
      return emulator();
    },
    async open(path = FILTERED_STREAM) {
      const stream = await openRawStream(emulator().url, path, emulator().bearerToken);
      streams.push(stream);
      return stream;
    },
  };
}
