import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { decodeStoredRecord, encodeStoredRecord } from "../events/stored-record.js";

/** The attributes `planGeoScrub` reads: read them with the item (a projection of these three). */
export const GEO_SCRUB_ATTRIBUTES = ["Geo", "Raw", "Message"] as const;

/** The UpdateItem (without table and key) that removes an item's geo, or "no-geo" when it has none. */
export type GeoScrubPlan =
  | "no-geo"
  | {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
    };

/**
 * How to remove the geo data of an item read with `GEO_SCRUB_ATTRIBUTES`: `REMOVE Geo`, and `Raw` rewritten
 * without `data.geo` and `includes.places`, in whichever form it is stored (Binary, events/stored-record.ts,
 * decoded and encoded again with the item's Message; or a String, items written before the encoding). The
 * update is conditional on `Raw` being unchanged: the processor may rewrite the item meanwhile (a redelivery),
 * and then the next sweep scrubs it.
 */
export function planGeoScrub(item: Record<string, AttributeValue>): GeoScrubPlan {
  const old = item.Raw;
  const scrubbed = old === undefined ? undefined : scrubRawAttribute(old, item.Message?.S ?? "");
  if (item.Geo === undefined && scrubbed === undefined) return "no-geo";
  if (old === undefined) {
    return {
      UpdateExpression: "REMOVE #g",
      ConditionExpression: "attribute_exists(#i)",
      ExpressionAttributeNames: { "#g": "Geo", "#i": "Id" },
    };
  }
  return {
    UpdateExpression: scrubbed === undefined ? "REMOVE #g" : "REMOVE #g SET #r = :new",
    ConditionExpression: "#r = :old",
    ExpressionAttributeNames: { "#g": "Geo", "#r": "Raw" },
    ExpressionAttributeValues: { ":old": old, ...(scrubbed === undefined ? {} : { ":new": scrubbed }) },
  };
}

/** `Raw` without geo, stored as it was (B or S); undefined when there is nothing to remove. */
export function scrubRawAttribute(raw: AttributeValue, message: string): AttributeValue | undefined {
  if (raw.S !== undefined) {
    const scrubbed = scrubRaw(raw.S);
    return scrubbed === undefined || scrubbed === raw.S ? undefined : { S: scrubbed };
  }
  if (raw.B === undefined) return undefined;
  const json = decodeStoredRecord({ B: raw.B }, message);
  const scrubbed = scrubRaw(json);
  return scrubbed === undefined || scrubbed === json
    ? undefined
    : { B: encodeStoredRecord(scrubbed, message) };
}

/**
 * Scrubbing geo inside a record (the v2 envelope as a JSON string): `data.geo` and `includes.places` go, the
 * rest stays byte-for-byte what JSON.stringify makes of it. Returns the input unchanged when there is
 * nothing to remove, and undefined when it is not a JSON object (then only the `Geo` attribute goes).
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
