import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian";

/**
 * The Debian archive this machine's apt already uses for `suite`, so debootstrap fetches from the same
 * (reachable, possibly proxied) mirror. Reads one-line `deb URI suite …` entries and deb822 stanzas;
 * security and third-party archives do not carry `suite` itself and are skipped.
 */
export function findDebianMirror(sourcesTexts: readonly string[], suite: string): string | undefined {
  for (const text of sourcesTexts) {
    const found = fromOneLineFormat(text, suite) ?? fromDeb822Format(text, suite);
    if (found) return found;
  }
  return undefined;
}

function fromOneLineFormat(text: string, suite: string): string | undefined {
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    // deb [options] URI suite components…
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (match?.[2] === suite && match[1]) return trimSlash(match[1]);
  }
  return undefined;
}

function fromDeb822Format(text: string, suite: string): string | undefined {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const raw of stanza.split("\n")) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(raw.trim());
      if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2]);
    }
    const types = fields.get("types")?.split(/\s+/) ?? [];
    const suites = fields.get("suites")?.split(/\s+/) ?? [];
    const uri = fields.get("uris")?.split(/\s+/)[0];
    if (types.includes("deb") && suites.includes(suite) && uri) return trimSlash(uri);
  }
  return undefined;
}

const trimSlash = (uri: string): string => uri.replace(/\/+$/, "");

/** Reads /etc/apt/sources.list and every file in sources.list.d (missing files are simply absent). */
export function readAptSources(root = "/etc/apt"): string[] {
  const texts: string[] = [];
  const tryRead = (path: string) => {
    try {
      texts.push(readFileSync(path, "utf8"));
    } catch {
      // No such file: apt works without a sources.list when sources.list.d is used, and vice versa.
    }
  };
  tryRead(join(root, "sources.list"));
  let entries: string[] = [];
  try {
    entries = readdirSync(join(root, "sources.list.d")).sort();
  } catch {
    entries = [];
  }
  for (const name of entries) {
    if (name.endsWith(".list") || name.endsWith(".sources")) tryRead(join(root, "sources.list.d", name));
  }
  return texts;
}
