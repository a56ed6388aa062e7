import { vi } from "vitest";
import * as z from "zod";
import { METRICS_DIMENSION, METRICS_NAMESPACE, PROCESSOR_METRICS } from "../../metrics.js";

/**
 * One CloudWatch embedded metric format line of the processor, checked against the specification: a `_aws`
 * object with an epoch-ms Timestamp and one directive naming the namespace, the dimension set and each metric
 * with its unit; every dimension and metric a member of the root whose value is a string (dimension) or a
 * number (metric). https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const processorEmfLine = z
  .object({
    _aws: z.object({
      Timestamp: z.number().int().positive(),
      CloudWatchMetrics: z
        .array(
          z.object({
            Namespace: z.literal(METRICS_NAMESPACE),
            Dimensions: z.tuple([z.tuple([z.literal(METRICS_DIMENSION)])]),
            Metrics: z.array(z.object({ Name: z.enum(PROCESSOR_METRICS), Unit: z.literal("Count") })),
          }),
        )
        .length(1),
    }),
    [METRICS_DIMENSION]: z.string().min(1),
    ...Object.fromEntries(PROCESSOR_METRICS.map((name) => [name, z.number().int().nonnegative()])),
  })
  .strict()
  .refine((line) => line._aws.CloudWatchMetrics[0]?.Metrics.length === PROCESSOR_METRICS.length, {
    message: "every processor metric is declared",
  });

export type ProcessorEmfLine = Record<string, unknown> & z.infer<typeof processorEmfLine>;

/** Runs `work` with stdout captured; returns its result and the EMF lines written, validated. */
export async function captureEmf<T>(
  work: () => Promise<T>,
): Promise<{ result: T; lines: ProcessorEmfLine[] }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const result = await work();
    const lines = written
      .join("")
      .split("\n")
      .filter((line) => line.includes('"_aws"'))
      .map((line) => processorEmfLine.parse(JSON.parse(line)) as ProcessorEmfLine);
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}
