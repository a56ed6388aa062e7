import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe } from "vitest";
import { describeWithTools, systemTool } from "../../../test-support/system-tools.js";
import { startDynalite } from "../../emulators/dynalite.js";
import { startDynamoDbLocal } from "../../emulators/dynamodb-local.js";
import type { RunningEmulator } from "../../emulators/listen.js";

/** A DynamoDB implementation the processor's tests run against. */
export interface DynamoEngine {
  name: "dynalite" | "DynamoDB Local";
  start(): Promise<RunningEmulator>;
}

export const DYNALITE: DynamoEngine = { name: "dynalite", start: () => startDynalite() };
export const DYNAMODB_LOCAL: DynamoEngine = { name: "DynamoDB Local", start: startDynamoDbLocal };

/**
 * Runs `body` once against dynalite (in-process, always) and once against AWS's DynamoDB Local where Java is
 * present (skipped and listed without it; required under CI=true), each in its own describe block.
 */
export function describeOnEngines(title: string, body: (engine: DynamoEngine) => void): void {
  describe(`${title} [dynalite]`, () => body(DYNALITE));
  describeWithTools([systemTool("java")], `${title} [DynamoDB Local]`, () => body(DYNAMODB_LOCAL));
}

/** A real SDK client for an engine (or a fault endpoint) on loopback; `maxAttempts: 1` as the writer wants it. */
export function engineClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...options,
  });
}
