import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * A network outage between the clients and the emulator: while it is down every open TCP connection is cut
 * and every new one is reset as it arrives, so nothing (stream, rules, search, Connections API) can be reached.
 */
export class NetworkSwitch {
  private readonly sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | undefined;
  down = false;

  attach(server: Server): void {
    server.on("connection", (socket: Socket) => {
      if (this.down) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** Cuts the network; with `durationMs` it comes back by itself. */
  cut(durationMs?: number): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    clearTimeout(this.timer);
    if (durationMs !== undefined) this.timer = setTimeout(() => this.restore(), durationMs);
  }

  restore(): void {
    clearTimeout(this.timer);
    this.down = false;
  }
}
