import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

/** One kept batch to read: where it is, and how to read its text. */
export interface KeptBatchRef {
  readonly source: string;
  read(): Promise<string>;
}

/** A source that cannot be read at all: the operator's to fix, reported without a stack trace. */
export class ReplaySourceError extends Error {
  override readonly name = "ReplaySourceError";
}

/** `s3://bucket/prefix` or a file or folder path. */
export type ReplaySource = { kind: "s3"; bucket: string; prefix: string } | { kind: "path"; path: string };

export function parseSource(text: string): ReplaySource {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (s3) return { kind: "s3", bucket: s3[1] as string, prefix: s3[2] as string };
  return { kind: "path", path: text };
}

/**
 * Every kept batch under `source`, oldest first within a shard: Lambda's keys (and the local runner's file names)
 * are `aws/lambda/<mapping>/<shard>/YYYY/MM/DD/<time>-<uuid>`, so key order is time order per shard, and an
 * edited post's versions are replayed in the order they were given up on.
 */
export async function listKeptBatches(
  source: ReplaySource,
  s3: () => S3Client,
  s3PageSize?: number,
): Promise<KeptBatchRef[]> {
  if (source.kind === "s3") return listS3(s3(), source.bucket, source.prefix, s3PageSize);
  const info = await stat(source.path).catch(() => undefined);
  if (info === undefined) throw new ReplaySourceError(`${source.path}: no such file or folder`);
  if (info.isFile()) return [fileRef(source.path)];
  const files = await readdir(source.path, { recursive: true, withFileTypes: true });
  return files
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort((a, b) => relative(source.path, a).localeCompare(relative(source.path, b)))
    .map(fileRef);
}

function fileRef(path: string): KeptBatchRef {
  return { source: path, read: () => readFile(path, "utf8") };
}

/** The S3 client replay reads with: SDK defaults, path-style addressing when AWS_ENDPOINT_URL_S3 names an endpoint. */
export function replayS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: env.AWS_ENDPOINT_URL_S3 !== undefined });
}

async function listS3(
  client: S3Client,
  bucket: string,
  prefix: string,
  pageSize: number | undefined,
): Promise<KeptBatchRef[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
        MaxKeys: pageSize,
      }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort().map((key) => ({
    source: `s3://${bucket}/${key}`,
    read: async () => {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`s3://${bucket}/${key}: empty object`);
      return object.Body.transformToString("utf8");
    },
  }));
}
