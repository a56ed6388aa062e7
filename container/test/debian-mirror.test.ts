import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findDebianMirror, readAptSources } from "../lib/debian-mirror.js";

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian/
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

describe("findDebianMirror", () => {
  it("takes the archive that serves the suite from a deb822 stanza", () => {
    expect(findDebianMirror([DEB822], "bookworm")).toBe("http://deb.debian.org/debian");
  });

  it("reads one-line entries, options included, and skips comments and other suites", () => {
    const list = [
      "# deb http://wrong.example/debian bookworm main",
      "deb [arch=amd64] https://packages.cloud.google.com/apt cloud-sdk-bookworm main",
      "deb [signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian/ bookworm main contrib",
    ].join("\n");
    expect(findDebianMirror([list], "bookworm")).toBe("http://mirror.example/debian");
  });

  it("ignores deb-src stanzas and answers undefined when nothing serves the suite", () => {
    const srcOnly = "Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n";
    expect(findDebianMirror([srcOnly, DEB822], "trixie")).toBeUndefined();
    expect(findDebianMirror([srcOnly], "bookworm")).toBeUndefined();
  });

  it("reads sources.list and the .list/.sources files of sources.list.d, in name order", () => {
    const root = mkdtempSync(join(tmpdir(), "apt-"));
    mkdirSync(join(root, "sources.list.d"));
    writeFileSync(join(root, "sources.list.d", "b.sources"), DEB822);
    writeFileSync(join(root, "sources.list.d", "a.list"), "deb http://first.example/debian bookworm main\n");
    writeFileSync(
      join(root, "sources.list.d", "c.disabled"),
      "deb http://never.example/debian bookworm main\n",
    );

    const texts = readAptSources(root);

    expect(texts).toHaveLength(2);
    expect(findDebianMirror(texts, "bookworm")).toBe("http://first.example/debian");
  });
});
