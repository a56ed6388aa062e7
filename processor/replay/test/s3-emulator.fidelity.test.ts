// How faithfully s3rver (the npm S3 emulator) answers the calls replay makes, compared with S3's documented
// behaviour: PutObject, GetObject (bytes as stored), ListObjectsV2 (prefix, UTF-8 binary key order, continuation),
// and S3's error codes for a missing key or bucket. local/README.md reports the result.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3_CREDENTIALS, type S3Emulator, startS3Emulator } from "./support/s3-emulator.js";

const KEYS = ["b/2", "a/1", "a/10", "a/2", "a/é", "b/1"];

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error("expected an error");
}

describe("s3rver for the calls replay makes", () => {
  let emulator: S3Emulator;
  let s3: S3Client;
  beforeAll(async () => {
    emulator = await startS3Emulator(["kept"]);
    s3 = emulator.client();
    for (const key of KEYS) {
      await s3.send(new PutObjectCommand({ Bucket: "kept", Key: key, Body: `body of ${key}: é😀` }));
    }
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await emulator?.close();
  });

  it("GetObject returns the bytes PutObject stored, UTF-8 intact", async () => {
    const object = await s3.send(new GetObjectCommand({ Bucket: "kept", Key: "a/é" }));

    expect(await object.Body?.transformToString("utf8")).toBe("body of a/é: é😀");
  });

  it("ListObjectsV2 filters by prefix and lists in UTF-8 binary order, page by page with a continuation token", async () => {
    const keys: string[] = [];
    const pages: number[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: "kept", Prefix: "a/", MaxKeys: 2, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
      pages.push(page.KeyCount ?? 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);

    expect(keys).toEqual(["a/1", "a/10", "a/2", "a/é"]);
    expect(pages).toEqual([2, 2]);
  });

  it("answers a missing key with NoSuchKey and a missing bucket with NoSuchBucket, both 404, as S3 does", async () => {
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: "kept", Key: "none" })))).toEqual({
      name: "NoSuchKey",
      status: 404,
    });
    expect(await errorOf(s3.send(new ListObjectsV2Command({ Bucket: "none" })))).toEqual({
      name: "NoSuchBucket",
      status: 404,
    });
  });

  it("gap: in a process without --openssl-legacy-provider (Node >= 17), a truncated listing fails with a 500", async () => {
    // Prepare: s3rver in this process, as `npm install s3rver` and its README suggest.
    const server = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory: mkdtempSync(join(tmpdir(), "tweetstream-s3rver-inprocess-")),
      configureBuckets: [{ name: "kept", configs: [] }],
    });
    const { port } = await server.run();
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      for (const key of ["x/1", "x/2"])
        await client.send(new PutObjectCommand({ Bucket: "kept", Key: key, Body: "." }));

      // Act / Assess: one page of everything works; a truncated one needs the DES cipher OpenSSL 3 dropped.
      expect((await client.send(new ListObjectsV2Command({ Bucket: "kept" }))).KeyCount).toBe(2);
      expect(await errorOf(client.send(new ListObjectsV2Command({ Bucket: "kept", MaxKeys: 1 })))).toEqual({
        name: "InternalError",
        status: 500,
      });
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
