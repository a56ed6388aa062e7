import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";

export interface S3Emulator {
  readonly endpoint: string;
  client(): S3Client;
  close(): Promise<void>;
}

export const S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

// s3rver (the npm S3 emulator) in its own process. Its ListObjectsV2 continuation token is DES-encrypted, which
// OpenSSL 3 (Node >= 17) refuses: a truncated listing answers 500 unless Node runs with --openssl-legacy-provider
// (s3-emulator.fidelity.test.ts measures it). The flag is for the emulator's process only.
const SCRIPT = `
const S3rver = require(${JSON.stringify(createRequire(import.meta.url).resolve("s3rver"))});
const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: process.argv[1],
  configureBuckets: process.argv.slice(2).map((name) => ({ name })) });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + "\\n"));
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
`;

/** s3rver on a free loopback port with the given buckets, its files in a temporary folder. */
export async function startS3Emulator(buckets: readonly string[]): Promise<S3Emulator> {
  const dir = mkdtempSync(join(tmpdir(), "tweetstream-s3rver-"));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--openssl-legacy-provider", "-e", SCRIPT, dir, ...buckets],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += String(chunk);
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    client: () =>
      new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3_CREDENTIALS }),
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
