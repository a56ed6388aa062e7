import { invalidRequest, type XProblem } from "../http/problems.js";
import { type Projection, parseProjection } from "../posts/projection.js";

export interface StreamRequest {
  projection: Projection;
  /** `backfill_minutes` (1 to 5): redeliver what was published that long ago, duplicates included. */
  backfillMinutes: number;
}

export const MAX_BACKFILL_MINUTES = 5;

/** Reads a stream request's query the way X does: documented fields only, `backfill_minutes` from 0 to 5. */
export function parseStreamRequest(query: URLSearchParams): StreamRequest | XProblem {
  const projection = parseProjection(query);
  if ("title" in projection) return projection;
  const raw = query.get("backfill_minutes");
  if (raw === null) return { projection, backfillMinutes: 0 };
  const minutes = Number(raw);
  if (!/^\d+$/.test(raw) || minutes > MAX_BACKFILL_MINUTES) {
    return invalidRequest(
      `The \`backfill_minutes\` query parameter value [${raw}] is not between 0 and ${MAX_BACKFILL_MINUTES}`,
      { backfill_minutes: [raw] },
    );
  }
  return { projection, backfillMinutes: minutes };
}
