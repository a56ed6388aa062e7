import { afterEach, expect, it, vi } from "vitest";
import { createMetricsPublisher, PROCESSOR_METRICS } from "../metrics.js";
import { captureEmf } from "./support/emf.js";

const values = Object.fromEntries(PROCESSOR_METRICS.map((name, n) => [name, n])) as Parameters<
  ReturnType<typeof createMetricsPublisher>
>[1];

afterEach(() => {
  vi.restoreAllMocks();
});

it("publishes one valid EMF line per batch and nothing else, batch after batch", async () => {
  // Before: the FunctionName dimension was set again for every batch, and Powertools logged a warning line
  // ("Dimension FunctionName has already been added") on stderr for each.
  const stderr: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  const publish = createMetricsPublisher();

  const { lines } = await captureEmf(async () => {
    for (const name of ["f1", "f1", "f1", "f2"]) publish(name, values);
  });

  expect(stderr).toEqual([]);
  expect(lines.map((line) => line.FunctionName)).toEqual(["f1", "f1", "f1", "f2"]);
  expect(lines[0]).toMatchObject(values);
});
