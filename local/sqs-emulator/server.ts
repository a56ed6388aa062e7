import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { actions, type QueueRegistry } from "./actions.js";
import { Queue, type RecordedMessage } from "./queue.js";
import { SqsError } from "./sqs-error.js";

/**
 * Faults for tests: `server-error` answers every request with HTTP 500, `connection-reset` drops the
 * connection without an answer, `entry-failures` accepts batch calls but fails every entry (service side).
 */
export type SqsFault = "server-error" | "connection-reset" | "entry-failures";

export interface SqsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Queues to create up front. */
  queues?: readonly string[];
  /** SQS's long-standing 256 KiB limit by default; queues may be configured up to 1 MiB in AWS. */
  maxMessageBytes?: number;
}

export interface SqsEmulator {
  /** The endpoint, for `AWS_ENDPOINT_URL_SQS` or a client's `endpoint`. */
  url: string;
  /** The URL of queue `name`, creating the queue on first use. */
  queueUrl(name: string): string;
  /** Everything queue `name` accepted, in order (received and deleted messages included). */
  messages(name: string): RecordedMessage[];
  /** Number of requests answered per action (`SendMessageBatch`, ...), faulted ones included. */
  requestCounts(): Record<string, number>;
  setFailing(fault: SqsFault | false): void;
  close(): Promise<void>;
}

const ACCOUNT = "000000000000";
const TARGET_PREFIX = "AmazonSQS.";

/**
 * A small endpoint speaking SQS's JSON protocol (what AWS SDK v3 and recent AWS CLIs use): enough of the API
 * for a dead-letter queue, with SQS's batch limits and real MD5 digests, so the SDK's checks pass.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const host = options.host ?? "127.0.0.1";
  const queues = new Map<string, Queue>();
  const counts: Record<string, number> = {};
  let fault: SqsFault | false = false;
  let baseUrl = "";

  const registry: QueueRegistry = {
    maxMessageBytes: options.maxMessageBytes ?? 262_144,
    refuseBatchEntries: false,
    createQueue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, `${baseUrl}/${ACCOUNT}/${name}`);
        queues.set(name, queue);
      }
      return queue.url;
    },
    byName: (name) => queues.get(name),
    // Matched by name, not host: a client may reach the emulator as localhost, 127.0.0.1 or a service name.
    byUrl: (url) => queues.get(new URL(url, "http://x").pathname.split("/").pop() ?? ""),
    list: () => [...queues.values()],
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers["x-amz-target"] ?? "");
    const actionName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    counts[actionName] = (counts[actionName] ?? 0) + 1;
    if (fault === "connection-reset") {
      req.socket.destroy();
      return;
    }
    if (fault === "server-error") {
      return sendError(res, new SqsError("InternalError", "InternalError", "injected fault", 500, false));
    }
    const action = actions[actionName];
    if (!action) {
      return sendError(res, new SqsError("InvalidAction", "InvalidAction", `unsupported target ${target}`));
    }
    try {
      const input = body.length > 0 ? JSON.parse(body) : {};
      send(res, 200, JSON.stringify(await action(registry, input)));
    } catch (err) {
      if (err instanceof SqsError) return sendError(res, err);
      if (err instanceof SyntaxError) {
        return sendError(res, new SqsError("SerializationException", "SerializationException", err.message));
      }
      sendError(res, new SqsError("InternalError", "InternalError", String(err), 500, false));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host}:${address.port}`;
  for (const name of options.queues ?? []) registry.createQueue(name);

  return {
    url: baseUrl,
    queueUrl: (name) => registry.createQueue(name),
    messages: (name) => queues.get(name)?.recorded() ?? [],
    requestCounts: () => ({ ...counts }),
    setFailing(next) {
      fault = next;
      registry.refuseBatchEntries = next === "entry-failures";
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, err: SqsError): void {
  send(res, err.status, err.body, { "x-amzn-query-error": err.queryErrorHeader });
}
