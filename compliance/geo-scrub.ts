/**
 * Scrubbing geo inside `Raw` (the v2 envelope as a JSON string): `data.geo` and `includes.places` go, the
 * rest stays byte-for-byte what JSON.stringify makes of it. Returns the input unchanged when there is
 * nothing to remove, and undefined when `Raw` is not a JSON object (then only the `Geo` attribute goes).
 */
export function scrubRaw(raw: string): string | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof envelope !== "object" || envelope === null || Array.isArray(envelope)) return undefined;
  const e = envelope as { data?: Record<string, unknown>; includes?: Record<string, unknown> };
  let changed = false;
  if (e.data && typeof e.data === "object" && "geo" in e.data) {
    delete e.data.geo;
    changed = true;
  }
  if (e.includes && typeof e.includes === "object" && "places" in e.includes) {
    delete e.includes.places;
    changed = true;
  }
  return changed ? JSON.stringify(e) : raw;
}
