import type { NetworkSwitch } from "../http/network-switch.js";
import {
  type FaultStatus,
  operationalDisconnectMessage,
  streamErrorMessage,
  type XProblem,
} from "../http/problems.js";
import type { ChunkingMode } from "./chunking.js";
import type { DisconnectMode, StreamConnection } from "./connection.js";
import type { StreamQueue } from "./queue.js";

export interface FaultState {
  chunking: ChunkingMode;
  /** Statuses the next stream connection attempts get instead of a stream. */
  refusals: { status: FaultStatus; count: number; resetInSeconds: number }[];
  /** Faults waiting for the next connection when none is open. */
  nextConnection: ((connection: StreamConnection) => void)[];
  /** How long a connection the client dropped keeps counting against the allowance. */
  lingerMs: number;
}

/** Faults act on the open stream connections, or on the next one when none is open. */
export interface XEmulatorFaults {
  /** The next `count` (default 1) stream connection attempts get `status` in X's error format. For 429,
   * `x-rate-limit-reset` is `resetInSeconds` (default 1) from now. */
  failConnections(status: FaultStatus, options?: { count?: number; resetInSeconds?: number }): void;
  /** Close the stream after `afterTweets` more tweets (default 0: now). */
  disconnect(options?: { afterTweets?: number; mode?: DisconnectMode }): void;
  /** Stop sending anything, keep-alives included, after `afterTweets` more tweets (default 0: now).
   * The stalled connection stays open; later connections are healthy. */
  stall(options?: { afterTweets?: number }): void;
  /** Queue a raw line (the emulator appends `\r\n`), in order with the tweets. */
  injectLine(line: string | Buffer): void;
  /** Queue a line that is not JSON. */
  injectMalformed(): void;
  /** Queue an in-stream error message: `{"errors":[...]}` without `data`; `endStream` ends the stream after it,
   * as X does when it disconnects a client (for example one too slow to keep up). */
  injectError(problem?: Partial<XProblem>, options?: { endStream?: boolean }): void;
  /** Queue X's operational-disconnect message; the emulator ends the stream after sending it. */
  operationalDisconnect(): void;
  setChunking(mode: ChunkingMode): void;
  /** From now on a stream connection the client drops lingers this long on the emulator's side, as on X:
   * a new connection meanwhile gets 429 TooManyConnections unless the app terminates the old one. */
  lingerAfterDrop(ms: number): void;
  /** Cuts the network: open connections are reset, new ones refused, for `durationMs` or until
   * `endNetworkOutage()`. Posts published meanwhile are kept for search and backfill, never streamed. */
  networkOutage(options?: { durationMs?: number }): void;
  endNetworkOutage(): void;
}

export function createFaults(
  state: FaultState,
  queue: StreamQueue,
  connections: ReadonlySet<StreamConnection>,
  network: NetworkSwitch,
): XEmulatorFaults {
  const onConnections = (apply: (connection: StreamConnection) => void): void => {
    if (connections.size === 0) state.nextConnection.push(apply);
    for (const connection of connections) apply(connection);
    queue.wake();
  };
  const line = (text: string | Buffer, closeAfter = false): void =>
    queue.push({ kind: "line", bytes: Buffer.concat([Buffer.from(text), Buffer.from("\r\n")]), closeAfter });
  return {
    failConnections: (status, { count = 1, resetInSeconds = 1 } = {}) => {
      state.refusals.push({ status, count, resetInSeconds });
    },
    disconnect: ({ afterTweets = 0, mode = "end" } = {}) =>
      onConnections((c) => c.disconnect(afterTweets, mode)),
    stall: ({ afterTweets = 0 } = {}) => onConnections((c) => c.stall(afterTweets)),
    injectLine: (text) => line(text),
    injectMalformed: () => line('{"data":{"id":"1","text":"truncated'),
    injectError: (problem, { endStream = false } = {}) =>
      line(JSON.stringify(streamErrorMessage(problem)), endStream),
    operationalDisconnect: () => line(JSON.stringify(operationalDisconnectMessage()), true),
    setChunking: (mode) => {
      state.chunking = mode;
    },
    lingerAfterDrop: (ms) => {
      state.lingerMs = ms;
    },
    networkOutage: ({ durationMs } = {}) => network.cut(durationMs),
    endNetworkOutage: () => network.restore(),
  };
}
