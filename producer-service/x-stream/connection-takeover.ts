import { REQUEST_TIMEOUT_MS, type XClient } from "./x-client.js";

/** X's endpoint ids for the Connections API (docs.x.com, "Terminate connections by endpoint"). */
const ENDPOINT_IDS = { filtered: "filtered_stream", sample: "sample_stream" } as const;

interface TerminateResponse {
  data?: { successful_kills?: number; failed_kills?: number };
}

/**
 * Closes every open connection of this app to `stream` with X's Connections API
 * (`DELETE /2/connections/{endpoint_id}`), so that a connection left over by a crashed or overlapping
 * process stops holding the app's only slot. Returns how many X closed. Errors are thrown as they come.
 */
export async function terminateStreamConnections(
  client: XClient,
  stream: "filtered" | "sample",
): Promise<{ closed: number; failed: number }> {
  const response = await client.api.delete<TerminateResponse>(
    `connections/${ENDPOINT_IDS[stream]}`,
    undefined,
    {
      prefix: client.v2,
      timeout: REQUEST_TIMEOUT_MS,
    },
  );
  return { closed: response.data?.successful_kills ?? 0, failed: response.data?.failed_kills ?? 0 };
}
