import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

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
