import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { raceAbort } from "../sleep.js";

describe("raceAbort", () => {
  it("leaves no abort listener behind when the other promise wins", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) await raceAbort(Promise.resolve(i), controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("resolves when the signal aborts first, and removes its listener", async () => {
    const controller = new AbortController();
    const never = new Promise<void>(() => undefined);
    const raced = raceAbort(never, controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    await expect(raced).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("resolves at once on a signal already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(raceAbort(new Promise<void>(() => undefined), controller.signal)).resolves.toBeUndefined();
  });
});
