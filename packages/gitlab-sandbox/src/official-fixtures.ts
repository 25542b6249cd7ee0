// GitLab's official payload and response examples (fixtures/gitlab/, copied verbatim from the
// reference material). The sandbox's contract tests and the app's webhook tests build on the same
// files, so they live with the sandbox and are found through this path, not a relative one.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const officialFixturesDir = resolve(import.meta.dirname, "..", "fixtures", "gitlab");

/** Parses one official example by file name, e.g. `issue_opened.json`. */
export function readOfficialFixture(name: string): unknown {
  return JSON.parse(readFileSync(join(officialFixturesDir, name), "utf8")) as unknown;
}
