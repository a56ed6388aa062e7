import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.js";

const BASE = { X_BEARER_TOKEN: "token", AWS_REGION: "eu-west-1" };

describe("KINESIS_STREAM_ARN and AWS_REGION", () => {
  it("refuses a stream ARN in another region than AWS_REGION, naming both", () => {
    const load = () =>
      loadConfig({ ...BASE, KINESIS_STREAM_ARN: "arn:aws:kinesis:us-east-1:123456789012:stream/tweets" });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      "KINESIS_STREAM_ARN: the stream is in us-east-1 but AWS_REGION is eu-west-1; set AWS_REGION=us-east-1",
    );
  });

  it("takes a stream ARN in AWS_REGION", () => {
    const arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/tweets";

    expect(loadConfig({ ...BASE, KINESIS_STREAM_ARN: arn }).kinesis).toMatchObject({
      target: { StreamARN: arn },
      region: "eu-west-1",
    });
  });
});
