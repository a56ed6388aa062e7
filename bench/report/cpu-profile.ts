import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
}

export interface HotSpot {
  where: string;
  selfPercent: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const sourceMaps = new Map<string, { map: SourceMap; dir: string } | undefined>();

/** The source map next to a bundled file (the processor bundle, the bench children), if there is one. */
function sourceMapOf(url: string) {
  if (!url.startsWith("file://")) return undefined;
  if (!sourceMaps.has(url)) {
    const file = `${fileURLToPath(url)}.map`;
    sourceMaps.set(
      url,
      existsSync(file)
        ? { map: new SourceMap(JSON.parse(readFileSync(file, "utf8"))), dir: dirname(file) }
        : undefined,
    );
  }
  return sourceMaps.get(url);
}

/** The original file and line of a frame, through the bundle's source map when it has one. */
function originOf(frame: ProfileNode["callFrame"]): { file: string; line: number } {
  const mapped = sourceMapOf(frame.url);
  if (mapped !== undefined) {
    const entry = mapped.map.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
    };
    if (entry.originalSource)
      return { file: resolve(mapped.dir, entry.originalSource), line: (entry.originalLine ?? 0) + 1 };
  }
  const file = frame.url.startsWith("file://") ? fileURLToPath(frame.url) : frame.url;
  return { file, line: frame.lineNumber + 1 };
}

/** A package name for code under node_modules, else the path inside the repository (or node's own module). */
function placeOf(file: string): string {
  if (file === "") return "(native)";
  const inModules = file.lastIndexOf("node_modules/");
  if (inModules !== -1) {
    const rest = file.slice(inModules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? file);
  }
  return file.startsWith("/") ? relative(REPO_ROOT, file) : file;
}

/**
 * Self time of a `node --cpu-prof` profile, by function and by package or repository file, as shares of the
 * non-idle samples. Frames of bundled code are mapped back to their sources.
 */
export function summarizeProfile(file: string, top = 15): { functions: HotSpot[]; packages: HotSpot[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === "(idle)") continue;
    busy += hits;
    const origin = originOf(node.callFrame);
    const place = placeOf(origin.file);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${place}${origin.file ? `:${origin.line}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
  }
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, hits]) => ({ where, selfPercent: (hits * 100) / Math.max(1, busy) }));
  return { functions: rank(byFunction), packages: rank(byPlace) };
}
