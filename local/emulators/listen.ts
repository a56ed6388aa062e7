import type { Server } from "node:http";
import { type AddressInfo, createServer } from "node:net";

/** An emulator started on loopback: where to reach it and how to stop it. */
export interface RunningEmulator {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one) and wraps the server as a RunningEmulator. */
export function listen(server: Server, port: number, host: string): Promise<RunningEmulator> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        endpoint: `http://${host}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * A port free on host right now, asked of the OS: for programs that cannot listen on port 0 and say which port
 * they got (kinesis-local, DynamoDB Local's JVM, a child process). It is closed again before they bind it, so a
 * caller that races another test for it retries on a new one.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
