export type LineDropReason = "line-too-long" | "invalid-utf8";

export interface LineHandler {
  line(text: string): void;
  /** An empty line: X's `\r\n` keep-alive. */
  keepAlive(): void;
  dropped(reason: LineDropReason, bytes: number): void;
}

const LF = 0x0a;
const CR = 0x0d;
/** X's messages are a few KB at most; a 1 MiB line is not one of them. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
// Strict: invalid UTF-8 throws instead of becoming U+FFFD, so one pass both validates and decodes (isUtf8
// then toString walked every line twice). ignoreBOM keeps a leading U+FEFF in the text, as toString did.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Splits X's stream into lines at the byte level and decodes UTF-8 only once a line is whole.
 *
 * Why not twitter-api-v2's reader: it decodes every network chunk on its own, so a multi-byte character
 * (emoji, CJK) split across two chunks becomes U+FFFD without any error; and it takes any chunk that is
 * exactly `\r\n` for a keep-alive even when that `\r\n` ends a message, so the message merges with the next,
 * fails to parse, and both are lost (about 4% of tweets against a server cutting at arbitrary boundaries).
 *
 * Lines end with `\r\n` (X's framing); a bare `\n` is accepted too. An empty line is a keep-alive. A line
 * longer than `maxLineBytes` is skipped up to its end and reported, so memory stays bounded whatever the
 * server sends. A line that is not valid UTF-8 is reported rather than decoded into U+FFFD.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Inside an over-long line: bytes skipped so far, until its end. */
  private skipping = 0;

  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Bytes of the incomplete line received so far (held or being skipped). */
  get pendingBytes(): number {
    return this.partsBytes + this.skipping;
  }

  /** Bytes held in memory: never more than `maxLineBytes`. */
  get bufferedBytes(): number {
    return this.partsBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(LF, start);
    while (newline !== -1) {
      this.endLine(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.hold(chunk, start, chunk.length);
  }

  /** Forgets an incomplete line (the connection ended); returns how many bytes it had. */
  reset(): number {
    const bytes = this.pendingBytes;
    this.parts = [];
    this.partsBytes = 0;
    this.skipping = 0;
    return bytes;
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.skipping > 0 || this.partsBytes + length > this.maxLineBytes) {
      this.skipping += this.partsBytes + length;
      this.parts = [];
      this.partsBytes = 0;
      return;
    }
    // A view, not a copy: it pins the chunk until the line completes, which maxLineBytes bounds.
    this.parts.push(chunk.subarray(start, end));
    this.partsBytes += length;
  }

  private endLine(chunk: Buffer, start: number, newline: number): void {
    if (this.skipping > 0 || this.partsBytes + (newline - start) > this.maxLineBytes) {
      const bytes = this.skipping + this.partsBytes + (newline - start);
      this.reset();
      this.handler.dropped("line-too-long", bytes);
      return;
    }
    let line: Buffer;
    if (this.partsBytes === 0) line = chunk.subarray(start, newline);
    else {
      this.parts.push(chunk.subarray(start, newline));
      line = Buffer.concat(this.parts, this.partsBytes + (newline - start));
      this.parts = [];
      this.partsBytes = 0;
    }
    // The `\r` of `\r\n` may have arrived at the end of the previous chunk: strip it from the whole line.
    const length = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    if (length === 0) {
      this.handler.keepAlive();
      return;
    }
    const bytes = length === line.length ? line : line.subarray(0, length);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      this.handler.dropped("invalid-utf8", length);
      return;
    }
    this.handler.line(text);
  }
}
