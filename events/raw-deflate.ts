import { constants, DeflateRaw, deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * Compresses `input` to a raw DEFLATE stream (RFC 1951) made with the compressor's preset dictionary, and
 * returns the byte `prefix` followed by that stream (one allocation: Raw's format byte rides in front).
 */
export type RawDeflate = (input: Uint8Array, prefix: number) => Buffer;

/**
 * The documented way: `zlib.deflateRawSync`, which builds a whole zlib stream per call (a Transform, a native
 * handle, zlib's ~256 KB of state, the dictionary hashed again) and closes it after one call.
 */
export function oneShotDeflate(level: number, dictionary: Buffer): RawDeflate {
  return (input, prefix) => {
    const stream = deflateRawSync(input, { level, dictionary });
    const out = Buffer.allocUnsafe(stream.length + 1);
    out[0] = prefix;
    stream.copy(out, 1);
    return out;
  };
}

// The handle of a zlib stream object as Node's lib/zlib.js drives it in processChunkSync (the code behind
// every zlib.*Sync call; read in Node 20). Not documented: see reusedDeflate.
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}
interface ZlibInternals {
  _handle?: ZlibHandle;
  /** [output bytes left, input bytes left] after each writeSync. */
  _writeState?: Uint32Array;
}

/**
 * One compressor for the process, reset after each input: zlib's `deflateReset` keeps the memory, and Node's
 * reset loads the preset dictionary again (ZlibContext::ResetStream), so each output is a complete stream, the
 * same format `deflateRawSync` writes (the same bytes for 589 of the corpus' 600 posts; all inflate alike). Measured on the rich-mix corpus
 * (600 posts, level 6, 8 KB dictionary, medians of 11 passes on the shared 2-core machine): 55 -> 44 µs a post.
 *
 * Node documents no synchronous reuse of a zlib object (its sync path closes the handle after one call), so
 * this calls the stream's handle directly, as processChunkSync does: `_handle.writeSync(...)` with Z_FINISH
 * into an output buffer large enough for the whole stream, the byte counts left in `_writeState`, then
 * `_handle.reset()`. Those are Node's internals: at creation a probe compresses a sample both ways and
 * checks it inflates back; when anything is missing or differs, the documented one-shot is used instead
 * (the same format, only slower). An input the output buffer cannot hold also takes the one-shot.
 */
export function reusedDeflate(level: number, dictionary: Buffer): RawDeflate {
  const oneShot = oneShotDeflate(level, dictionary);
  let engine: ZlibInternals;
  try {
    engine = new DeflateRaw({ level, dictionary }) as unknown as ZlibInternals;
  } catch {
    return oneShot;
  }
  const handle = engine._handle;
  const state = engine._writeState;
  if (handle === undefined || state === undefined || typeof handle.writeSync !== "function") return oneShot;
  let output = Buffer.allocUnsafe(64 * 1024);
  let failed = false;
  // zlib reports an error through the stream (it destroys it); then the one-shot takes over for good.
  (engine as unknown as DeflateRaw).on("error", () => {
    failed = true;
  });

  const reused: RawDeflate = (input, prefix) => {
    // deflateBound for a stored (incompressible) input is its length plus 5 bytes per 16 KB block, plus a few.
    const bound = 1 + input.length + 5 * Math.ceil((input.length + 1) / 16_384) + 64;
    if (failed || bound > 4 * 1024 * 1024) return oneShot(input, prefix);
    if (output.length < bound) output = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(bound)));
    handle.writeSync(constants.Z_FINISH, input, 0, input.length, output, 1, output.length - 1);
    const outLeft = state[0] as number;
    const inLeft = state[1] as number;
    handle.reset();
    if (failed || inLeft !== 0 || outLeft === 0) return oneShot(input, prefix);
    output[0] = prefix;
    return Buffer.from(output.subarray(0, output.length - outLeft));
  };
  try {
    const probe = Buffer.from(`{"probe":"${"reused deflate ".repeat(40)}\u00e9\u2603"}`, "utf8");
    for (let i = 0; i < 2; i++) {
      const out = reused(probe, i);
      if (out[0] !== i || !inflateRawSync(out.subarray(1), { dictionary }).equals(probe)) return oneShot;
    }
  } catch {
    return oneShot;
  }
  return reused;
}
