import type { XEmulator } from "../index.js";

/** What tests read of X's JSON answers: any shape, checked by the test's own expectations. */
// biome-ignore lint/suspicious/noExplicitAny: an answer's shape is what each test asserts
type XJson = any;

/** A JSON call to the emulator with its bearer token, as any X client makes it. */
export async function callX(
  x: XEmulator,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; body: XJson; headers: Headers }> {
  const res = await fetch(`${x.url}${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${x.bearerToken}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text), headers: res.headers };
}

export async function addRules(x: XEmulator, rules: { value: string; tag?: string }[]): Promise<void> {
  const res = await callX(x, "POST", "/2/tweets/search/stream/rules", { add: rules });
  if (res.status !== 201) throw new Error(`rules not added: ${JSON.stringify(res.body)}`);
}
