import type { ClientRequest, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { TweetStream } from "twitter-api-v2";
import type { XClient } from "./x-client.js";

/** An open stream response. */
export interface StreamConnection {
  /** The response body (decompressed when X compressed it), not yet flowing. */
  body: Readable;
  /** Tears the connection down; safe to call more than once. */
  close(): void;
}

type RequestData = ConstructorParameters<typeof TweetStream>[0];

/**
 * twitter-api-v2 keeps doing what it does well here: auth headers, the agent, decompression, and turning
 * an HTTP error status into an `ApiResponseError` carrying X's problem and rate-limit headers. The body,
 * though, goes to our line splitter and never to the library's parser (see line-splitter.ts for why).
 * The library offers no public way to take the raw response, so this subclass takes it at the hook the
 * library calls once connected, instead of attaching the library's parser and keep-alive timer there.
 */
class RawTweetStream extends TweetStream {
  response: { req: ClientRequest; body: Readable; original: IncomingMessage } | undefined;

  protected override initEventsFromRequest(): void {
    if (!this.req || !this.res || !this.originalResponse)
      throw new Error("stream connected without a response");
    this.response = { req: this.req, body: this.res, original: this.originalResponse };
  }
}

/**
 * Opens a stream endpoint. Rejects with twitter-api-v2's errors: `ApiResponseError` for an HTTP error
 * status, `ApiRequestError` for a network error, for no response headers within `connectTimeoutMs`, or
 * when `stopSignal` aborts.
 */
export async function openStream(
  client: XClient,
  path: string,
  query: Record<string, string>,
  { stopSignal, connectTimeoutMs }: { stopSignal: AbortSignal; connectTimeoutMs: number },
): Promise<StreamConnection> {
  const template = client.api.getStream(path, query, { prefix: client.v2, autoConnect: false });
  // `requestData` is protected; the template exists so that the library builds it (URL, auth headers, agent).
  const requestData = (template as unknown as { requestData: RequestData }).requestData;
  // The library's stream requests have no timeout of their own: this abort bounds the wait for headers.
  const abort = new AbortController();
  const onStop = () => abort.abort(new Error("stopped"));
  const timer = setTimeout(
    () => abort.abort(new Error(`no response within ${connectTimeoutMs} ms`)),
    connectTimeoutMs,
  );
  stopSignal.addEventListener("abort", onStop, { once: true });
  requestData.options = { ...requestData.options, signal: abort.signal };
  const stream = new RawTweetStream(requestData);
  try {
    if (stopSignal.aborted) throw new Error("stopped");
    await stream.reconnect();
  } finally {
    clearTimeout(timer);
    stopSignal.removeEventListener("abort", onStop);
  }
  const response = stream.response;
  if (!response) throw new Error("stream connected without a response");
  const { req, body, original } = response;
  if (body !== original) endDecompressionWhenCut(req, original, body);
  let closed = false;
  return {
    body,
    close() {
      if (closed) return;
      closed = true;
      // Destroying emits late errors (aborted, socket hang up) that nobody needs to hear about.
      for (const emitter of [req, body, original]) emitter.on("error", () => undefined);
      body.destroy();
      original.destroy();
      req.destroy();
    },
  };
}

/**
 * With a compressed stream the body is a decompressor fed by the raw response, and a raw response cut
 * mid-stream (socket closed, request error) never ends it: the reader would hear nothing until its stall
 * timer. So the cut ends the decompressor's input: it hands over what it decoded, then ends or reports the
 * truncated input as an error, and the reader reconnects at once.
 */
function endDecompressionWhenCut(req: ClientRequest, original: IncomingMessage, body: Readable): void {
  const cut = (): void => {
    const decompressor = body as Readable & { end?: () => void; writableEnded?: boolean };
    if (!decompressor.writableEnded) decompressor.end?.();
  };
  original.once("error", cut);
  original.once("close", () => {
    if (!original.complete) cut();
  });
  req.once("error", cut);
}
