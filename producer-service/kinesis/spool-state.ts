import type { SPOOL_STATES } from "../metrics.js";

/**
 * The writer↔spool states. Every change of state goes through `nextSpoolState`, and what /readyz and the
 * metrics say is read from the state, so no part of the writer re-derives it from flags of its own.
 *
 * - memory:   the spool holds nothing and nothing waits for it: new records stay in memory.
 * - spilling: records wait for (or are being written to) the spool: new records queue behind them.
 * - draining: the spool holds records and nothing waits: new records still go behind them; the writer reads
 *             them back as memory has room.
 * - full:     the spool refused records (SPOOL_MAX_BYTES reached, or the disk is full): they wait in memory,
 *             reading from X pauses once they reach BUFFER_MAX_BYTES, and the append is retried.
 * - broken:   a failed write could not be taken back: the spool is bypassed, as if there were none
 *             (backpressure on X); what it holds waits on disk for the next start.
 */
export type SpoolState = (typeof SPOOL_STATES)[number];

export type SpoolEvent =
  /** A record was handed to the spool link. */
  | { kind: "spilled" }
  /** An append stored everything it was given. */
  | { kind: "stored"; waiting: number; spoolRecords: number }
  /** An append stored less than it was given (full) or failed and was taken back (disk error). */
  | { kind: "refused" }
  /** A write failed and could not be taken back. */
  | { kind: "broke" }
  /** Records left the spool or the waiting list (acknowledged, handed to memory). */
  | { kind: "drained"; waiting: number; spoolRecords: number };

export function nextSpoolState(state: SpoolState, event: SpoolEvent): SpoolState {
  if (state === "broken") return "broken"; // only a restart reopens the spool
  switch (event.kind) {
    case "broke":
      return "broken";
    case "refused":
      return "full";
    case "spilled":
      return state === "full" ? "full" : "spilling";
    case "stored":
      return event.waiting > 0 ? "spilling" : event.spoolRecords > 0 ? "draining" : "memory";
    case "drained":
      // Full ends only when a retried append succeeds ("stored"), or when nothing waits any more.
      if (event.waiting > 0) return state === "full" ? "full" : "spilling";
      return event.spoolRecords > 0 ? (state === "full" ? "full" : "draining") : "memory";
  }
}

/** What the spool's state means for /readyz. */
export interface SpoolCheck {
  ok: boolean;
  detail: string;
}

export interface SpoolNotes {
  /** Why the last append was refused, when the state is full. */
  fullCause: string;
  /** Set while reading from the spool fails. */
  readFailure: string | undefined;
  /** Records acknowledged whose position could not be saved (a crash now sends them again). */
  unsavedAcknowledged: number;
  /** Records lost in damaged bytes moved aside since the start, and where they went. */
  lostRecords: number;
  quarantineFiles: readonly string[];
  /** Damaged bytes cut out without a copy because the disk was full. */
  unkeptQuarantines?: number;
}

export function spoolCheck(state: SpoolState, notes: SpoolNotes): SpoolCheck {
  const extra: string[] = [];
  const unkeptCount = notes.unkeptQuarantines ?? 0;
  if (notes.lostRecords > 0 || notes.quarantineFiles.length > 0 || unkeptCount > 0) {
    const unkept = unkeptCount === 0 ? "" : `, ${unkeptCount} cut out without a copy (disk full)`;
    extra.push(
      `damaged spool bytes quarantined: ${notes.lostRecords} records lost, bytes kept in ${notes.quarantineFiles.join(", ")}${unkept}`,
    );
  }
  if (notes.unsavedAcknowledged > 0) {
    extra.push(
      `read position cannot be saved: a crash now would resend ${notes.unsavedAcknowledged} records`,
    );
  }
  const tail = extra.length === 0 ? "" : `; ${extra.join("; ")}`;
  if (state === "broken") {
    return {
      ok: false,
      detail: `spool broken by a failed disk write: records stay in memory and reading X pauses when the buffer is full; restart the producer to reopen it${tail}`,
    };
  }
  if (state === "full") {
    return { ok: false, detail: `spool full (${notes.fullCause}): reading from X is paused${tail}` };
  }
  if (notes.readFailure !== undefined) {
    return { ok: false, detail: `spool cannot be read (${notes.readFailure}): its records wait${tail}` };
  }
  return { ok: true, detail: `accepting records${tail}` };
}
