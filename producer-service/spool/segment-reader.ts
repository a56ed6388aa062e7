import type { FileHandle } from "node:fs/promises";
import { FRAME_HEADER_BYTES, probeFrame } from "./frame.js";

/** The next thing in a segment: a whole frame, its end, or where and why the readable frames stop. */
export type ReadStep =
  | { readonly kind: "frame"; readonly frame: Buffer; readonly offset: number; readonly end: number }
  | { readonly kind: "end"; readonly offset: number }
  | { readonly kind: "incomplete"; readonly offset: number }
  | { readonly kind: "invalid"; readonly offset: number; readonly reason: string };

const CHUNK_BYTES = 256 * 1024;

/**
 * Reads frames one after another from `offset` up to `size`, through one reusable chunk buffer: memory stays at
 * one chunk or one frame, whichever is larger, however big the segment is.
 */
export class SegmentReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** File offset of `buffer[0]`. */
  private bufferStart = 0;
  private position: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    offset: number,
  ) {
    this.position = offset;
    this.bufferStart = offset;
  }

  async next(): Promise<ReadStep> {
    const offset = this.position;
    if (offset >= this.size) return { kind: "end", offset };
    let probe = probeFrame(this.loaded(), this.size - offset);
    if (probe.kind === "incomplete" && offset + probe.needBytes <= this.size) {
      // The file holds the whole header or frame; only the buffer ends early.
      await this.load(Math.max(probe.needBytes, FRAME_HEADER_BYTES));
      probe = probeFrame(this.loaded(), this.size - offset);
      if (probe.kind === "incomplete" && offset + probe.needBytes <= this.size) {
        await this.load(probe.needBytes);
        probe = probeFrame(this.loaded(), this.size - offset);
      }
    }
    if (probe.kind === "incomplete") return { kind: "incomplete", offset };
    if (probe.kind === "invalid") return { kind: "invalid", offset, reason: probe.reason };
    const frame = this.loaded().subarray(0, probe.frameBytes);
    this.position = offset + probe.frameBytes;
    return { kind: "frame", frame, offset, end: this.position };
  }

  /** Buffered bytes from the current position on. */
  private loaded(): Buffer {
    return this.buffer.subarray(this.position - this.bufferStart);
  }

  /** Refills the buffer from the current position with at least `atLeast` bytes (fewer only at the file's end). */
  private async load(atLeast: number): Promise<void> {
    const want = Math.min(Math.max(atLeast, CHUNK_BYTES), this.size - this.position);
    // A fresh buffer each time: frames handed out earlier may still be referenced by the caller.
    const buffer = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.handle.read(buffer, filled, want - filled, this.position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.buffer = buffer.subarray(0, filled);
    this.bufferStart = this.position;
  }
}
