import { setTimeout as sleep } from "node:timers/promises";

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

export async function get(url: string, timeoutMs = 2_000): Promise<HttpReply> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/**
 * Polls `url` until it answers `status`, or fails after `timeoutMs` with the last answer (or connection
 * error) in the message. `stillRunning` stops the wait early when the server process has died.
 */
export async function waitForStatus(
  url: string,
  status: number,
  timeoutMs: number,
  stillRunning: () => boolean = () => true,
): Promise<HttpReply> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!stillRunning()) throw new Error(`${url}: the server process exited (last: ${last})`);
    try {
      const reply = await get(url);
      if (reply.status === status) return reply;
      last = `HTTP ${reply.status} ${reply.body.slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}
