// Vitest globalSetup of `npm run test:container`: before anything is built, says which of the programs the image
// test needs are missing and how to get each, instead of ending in a bare summary. The run fails then: this
// command exists only to run that test.
import { type SystemToolName, systemTool } from "../../test-support/system-tools.js";

export const CONTAINER_TEST_NEEDS: SystemToolName[] = ["buildah", "debootstrap", "root"];

/** One line per missing program with the command that provides it; empty when everything is there. */
export function missingForContainerTest(): string[] {
  return CONTAINER_TEST_NEEDS.map(systemTool)
    .filter((tool) => !tool.present)
    .map((tool) => `  - ${tool.name}: ${tool.enable}`);
}

export default function setup(): void {
  const missing = missingForContainerTest();
  if (missing.length === 0) return;
  throw new Error(
    `npm run test:container builds the image with buildah and runs it, which needs:\n${missing.join("\n")}\n` +
      "(.ci/run installs them; see container/README.md)",
  );
}
