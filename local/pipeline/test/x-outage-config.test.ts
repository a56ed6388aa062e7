import { describe, expect, it } from "vitest";
import { LocalConfigError, loadLocalConfig } from "../local-config.js";

describe("LOCAL_X_OUTAGE_EVERY_MS / LOCAL_X_OUTAGE_MS", () => {
  it("no outage unless asked; asked, every N ms for 8 s by default", () => {
    expect(loadLocalConfig({}).xOutage).toBeUndefined();
    expect(loadLocalConfig({ LOCAL_X_OUTAGE_EVERY_MS: "60000" }).xOutage).toEqual({
      everyMs: 60_000,
      durationMs: 8_000,
    });
    expect(loadLocalConfig({ LOCAL_X_OUTAGE_EVERY_MS: "5000", LOCAL_X_OUTAGE_MS: "500" }).xOutage).toEqual({
      everyMs: 5_000,
      durationMs: 500,
    });
  });

  it("names the variable when a value is not usable", () => {
    expect(() => loadLocalConfig({ LOCAL_X_OUTAGE_EVERY_MS: "soon" })).toThrow(
      new LocalConfigError("LOCAL_X_OUTAGE_EVERY_MS: expected an integer from 0 to 86400000"),
    );
    expect(() => loadLocalConfig({ LOCAL_X_OUTAGE_EVERY_MS: "5000", LOCAL_X_OUTAGE_MS: "9000" })).toThrow(
      "LOCAL_X_OUTAGE_MS: must be shorter than LOCAL_X_OUTAGE_EVERY_MS",
    );
  });
});
