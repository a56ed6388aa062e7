// Prints one item of the table decoded: every attribute as a plain value and `Raw` as the post's record
// (the envelope), parsed. Usage:
//   TABLE_NAME=<table> npm run item -- <Username> <Id>     (AWS credentials and region as for the AWS CLI;
//                                                          AWS_ENDPOINT_URL_DYNAMODB for a local table)
//   aws dynamodb get-item ... --output json | npm run item -- -     (DynamoDB JSON on stdin, binaries base64)
import { text } from "node:stream/consumers";
import { pathToFileURL } from "node:url";
import { type AttributeValue, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { type DecodedItem, decodeItem, recordOf } from "./decode-item.js";

/** The item decoded, for printing: `Raw` parsed into `record` (undefined for a v1 item). */
export function printable(item: DecodedItem): Record<string, unknown> {
  const { Raw: _raw, ...attributes } = item;
  return { ...attributes, record: recordOf(item) };
}

type CliValue = { B?: string; L?: CliValue[]; M?: Record<string, CliValue> } & Record<string, unknown>;

/** DynamoDB JSON as the AWS CLI prints it (binaries as base64) to the SDK's attribute values. */
export function fromCliJson(value: CliValue): AttributeValue {
  if (typeof value.B === "string") return { B: Buffer.from(value.B, "base64") };
  if (Array.isArray(value.L)) return { L: value.L.map(fromCliJson) };
  if (value.M !== undefined) return { M: fromCliAttributes(value.M) };
  return value as AttributeValue;
}
const fromCliAttributes = (attributes: Record<string, CliValue>) =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, fromCliJson(value)]));

export async function readItem(args: readonly string[], env: NodeJS.ProcessEnv) {
  if (args[0] === "-") {
    const input = JSON.parse(await text(process.stdin)) as { Item?: Record<string, CliValue> };
    return fromCliAttributes(input.Item ?? (input as Record<string, CliValue>));
  }
  const [username, id] = args;
  if (username === undefined || id === undefined || env.TABLE_NAME === undefined) {
    throw new Error(
      "usage: TABLE_NAME=<table> npm run item -- <Username> <Id>   (or: ... | npm run item -- -)",
    );
  }
  const client = new DynamoDBClient({});
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: env.TABLE_NAME, Key: { Username: { S: username }, Id: { S: id } } }),
    );
    if (Item === undefined) throw new Error(`no item (${username}, ${id}) in ${env.TABLE_NAME}`);
    return Item;
  } finally {
    client.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  readItem(process.argv.slice(2), process.env)
    .then((item) => process.stdout.write(`${JSON.stringify(printable(decodeItem(item)), null, 2)}\n`))
    .catch((err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    });
}
