import { randomUUID } from "node:crypto";
import type { StreamConnection, StreamKind } from "./connection.js";

export type EndpointName = "filtered_stream" | "sample_stream";
export const ENDPOINT_NAMES: Record<StreamKind, EndpointName> = {
  filtered: "filtered_stream",
  sample: "sample_stream",
};

/** One stream connection as X's Connections API reports it (`GET /2/connections`). */
export interface ConnectionRecord {
  uuid: string;
  endpoint_name: EndpointName;
  connected_at: string;
  client_ip: string;
  disconnected_at?: string;
  disconnect_reason?: string;
}

const MAX_RECORDS = 1000;

/**
 * The app's stream connections, open, lingering and past. X notices a client that went away only later: a
 * dropped connection keeps counting against the app's allowance for `lingerMs` (0: not at all), unless the
 * app terminates it through the Connections API.
 */
export class ConnectionRegistry {
  readonly records: ConnectionRecord[] = [];
  private readonly live = new Map<string, { connection: StreamConnection; timer?: NodeJS.Timeout }>();

  constructor(private readonly lingerMs: () => number) {}

  /** Open or lingering: what counts against the allowance. */
  active(): ConnectionRecord[] {
    return this.records.filter((r) => r.disconnected_at === undefined);
  }

  opened(connection: StreamConnection, clientIp: string): ConnectionRecord {
    const record: ConnectionRecord = {
      uuid: randomUUID(),
      endpoint_name: ENDPOINT_NAMES[connection.kind],
      connected_at: new Date().toISOString(),
      client_ip: clientIp,
    };
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) {
      const oldPast = this.records.findIndex((r) => r.disconnected_at !== undefined);
      if (oldPast >= 0) this.records.splice(oldPast, 1);
    }
    this.live.set(record.uuid, { connection });
    return record;
  }

  /** The response closed: at once if the emulator closed it, after `lingerMs` if the client went away. */
  closed(record: ConnectionRecord, byServer: boolean): void {
    const entry = this.live.get(record.uuid);
    if (entry === undefined) return;
    const linger = this.lingerMs();
    if (byServer || linger <= 0) {
      this.finish(record, byServer ? "ServerDisconnect" : "ClientDisconnect");
      return;
    }
    entry.timer = setTimeout(() => this.finish(record, "ClientDisconnect"), linger);
    entry.timer.unref();
  }

  /** Terminates the active connections that match (the Connections API's DELETEs); returns their uuids. */
  kill(matches: (record: ConnectionRecord) => boolean): string[] {
    const victims = this.active().filter(matches);
    for (const record of victims) {
      this.live.get(record.uuid)?.connection.destroy();
      this.finish(record, "TerminatedByRequest");
    }
    return victims.map((record) => record.uuid);
  }

  closeAll(): void {
    for (const { timer } of this.live.values()) clearTimeout(timer);
  }

  private finish(record: ConnectionRecord, reason: string): void {
    const entry = this.live.get(record.uuid);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.live.delete(record.uuid);
    record.disconnected_at = new Date().toISOString();
    record.disconnect_reason = reason;
  }
}
