import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const EMULATOR = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The folders of the README's Layout table, in its order (the emulator's own tests left out). */
function layoutOrder(): string[] {
  const readme = readFileSync(join(EMULATOR, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Layout"), readme.indexOf("## API"));
  return [...table.matchAll(/^\| `([a-z-]+)\/` /gm)].map((m) => m[1] as string).filter((f) => f !== "test");
}

it("each folder imports only folders below it in the README's Layout table, never one above nor the top files", () => {
  const order = layoutOrder();
  const folders = readdirSync(EMULATOR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "test")
    .map((e) => e.name);
  expect([...order].sort()).toEqual(folders.sort());
  const upward: string[] = [];
  for (const [rank, folder] of order.entries()) {
    for (const file of readdirSync(join(EMULATOR, folder)).filter((f) => f.endsWith(".ts"))) {
      const code = readFileSync(join(EMULATOR, folder, file), "utf8");
      for (const [, specifier] of code.matchAll(/from "(\.[^"]+)"/g)) {
        const target = posix.normalize(posix.join(folder, specifier as string));
        const targetFolder = target.includes("/") ? (target.split("/")[0] as string) : ".";
        if (targetFolder === ".." || targetFolder === folder) continue;
        if (!(order.indexOf(targetFolder) > rank)) upward.push(`${folder}/${file} imports ${target}`);
      }
    }
  }
  expect(upward).toEqual([]);
});
