import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { costSectionNow, type Measured, monthlyCost, PRICES, README_MARKERS } from "../cost-model.js";

// Markdown tables are padded by the formatter: compare cells, not spaces.
const normalized = (text: string) =>
  text
    .split("\n")
    .map((line) =>
      line
        .replace(/\s*\|\s*/g, "|")
        .replace(/-{3,}/g, "---")
        .trim(),
    )
    .filter((line) => line !== "")
    .join("\n");

describe("the cost model of README.md", () => {
  it("is what bench/processor/cost-model.ts computes from the measured units and prices (run it with --write)", () => {
    const readme = readFileSync("README.md", "utf8");
    const [open, close] = README_MARKERS;
    const section = readme.slice(readme.indexOf(open) + open.length, readme.indexOf(close));
    expect(normalized(section)).toBe(normalized(costSectionNow()));
  });

  it("charges writes per write unit and storage per GB held, by the published prices", () => {
    const m: Measured = {
      writeUnitsPerItem: 2,
      writeUnitsBefore: 8,
      storedBytesPerItem: 1024 ** 3 / 1e6,
      kinesisKbPerRecord: 1,
      recordBytes: 900,
      cpuMicrosPerRecord: 0,
      cpuSource: "",
    };
    const cost = monthlyCost(m, 1e6, true);
    expect(cost.dynamoWrites).toBeCloseTo(2 * PRICES.dynamoPerMillionWrites);
    expect(cost.dynamoWritesBefore).toBeCloseTo(8 * PRICES.dynamoPerMillionWrites);
    expect(cost.storagePerRetainedMonth).toBeCloseTo(PRICES.dynamoStoragePerGbMonth);
    expect(cost.x).toBeCloseTo(1e6 * PRICES.xPerPostRead);
    expect(monthlyCost(m, 1e6, false).x).toBeUndefined();
  });
});
