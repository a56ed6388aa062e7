import { type IncomingHttpHeaders, request } from "node:http";

/** A bare HTTP client that keeps every `data` chunk as it arrived, to look at the wire itself. */
export interface RawStream {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
  /** Resolves when the response ends ("end") or breaks ("error"). */
  finished: Promise<"end" | "error">;
  bytes(): Buffer;
  /** The complete `\r\n`-terminated lines received so far, keep-alives (empty lines) included. */
  lines(): string[];
  close(): void;
}

export const STREAM_QUERY = "tweet.fields=created_at,lang,author_id&expansions=author_id";

export function openRawStream(baseUrl: string, path: string, token: string): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      const finished = new Promise<"end" | "error">((done) => {
        res.on("end", () => done("end"));
        res.on("error", () => done("error"));
        res.on("aborted", () => done("error"));
      });
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      const bytes = () => Buffer.concat(chunks);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        chunks,
        finished,
        bytes,
        lines: () => {
          const parts = bytes().toString("utf8").split("\r\n");
          return parts.slice(0, -1);
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
