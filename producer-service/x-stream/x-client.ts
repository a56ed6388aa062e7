import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { type ITwitterApiClientPlugin, TwitterApi } from "twitter-api-v2";
import type { XIngestOptions } from "./ingest-options.js";

export interface XClient {
  /** Authenticated with the app-only bearer token. */
  api: TwitterApi;
  /** Prefix for v2 endpoints, for example `https://api.x.com/2/`. */
  v2: string;
  close(): void;
}

// Rules and stream calls take seconds at most; the stream itself is watched by the stall timer instead.
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * twitter-api-v2 speaks HTTPS through Node's `https.request`, which only reaches an `http://` base URL
 * (a local emulator) when given an `http.Agent`; so we always pass the agent matching the URL.
 * `cloneWithPrefix` is broken in 1.29, so callers pass `{ prefix: client.v2 }` on each request instead.
 */
export async function connectXClient(
  options: Pick<XIngestOptions, "baseUrl" | "credentials">,
  stopSignal?: AbortSignal,
): Promise<XClient> {
  const httpAgent = options.baseUrl.startsWith("http://")
    ? new HttpAgent({ keepAlive: true })
    : new HttpsAgent({ keepAlive: true });
  const close = () => httpAgent.destroy();
  const settings = { httpAgent, plugins: stopSignal ? [abortOn(stopSignal)] : [] };
  try {
    const bearerToken =
      "bearerToken" in options.credentials
        ? options.credentials.bearerToken
        : await appLogin(options.baseUrl, options.credentials, settings);
    const api = new TwitterApi(bearerToken, settings);
    return { api, v2: `${options.baseUrl}/2/`, close };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * App-only authentication: API key and secret exchanged for a bearer token. twitter-api-v2's own
 * `appLogin()` posts to a hard-coded https://api.x.com, so we make the same request against our base URL.
 */
async function appLogin(
  baseUrl: string,
  { apiKey, apiSecret }: { apiKey: string; apiSecret: string },
  settings: { httpAgent: HttpAgent; plugins: ITwitterApiClientPlugin[] },
): Promise<string> {
  const basic = new TwitterApi({ username: apiKey, password: apiSecret }, settings);
  const response = await basic.post<{ token_type?: string; access_token?: string }>(
    "oauth2/token",
    { grant_type: "client_credentials" },
    { prefix: `${baseUrl}/`, forceBodyMode: "url", timeout: REQUEST_TIMEOUT_MS },
  );
  if (response.token_type?.toLowerCase() !== "bearer" || !response.access_token) {
    throw new Error("X's token endpoint answered without a bearer token");
  }
  return response.access_token;
}

/**
 * twitter-api-v2 takes no AbortSignal for plain requests, but hands each request's Node options to its
 * plugins before sending: this one adds the stop signal, so shutdown cuts an app login, a rules sync or a
 * recovery search in progress instead of waiting up to REQUEST_TIMEOUT_MS for it.
 */
function abortOn(signal: AbortSignal): ITwitterApiClientPlugin {
  return {
    onBeforeRequest({ requestOptions }) {
      requestOptions.signal = signal;
    },
  };
}
