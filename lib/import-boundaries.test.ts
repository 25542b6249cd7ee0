import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 14's boundaries are lint rules (eslint.config.mjs, importBoundaries); `npm test` fails on a
 * lint error, so these show each rule fires where it should and stays quiet where it should not,
 * including that the disjoint blocks did not switch off the older child_process rule.
 */
const root = path.resolve(import.meta.dirname, "..");
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((m) => /restricted-imports/.test(m.ruleId ?? "")).map((m) => m.message);
}

const drizzle = 'import { eq } from "drizzle-orm";\nexport const x = eq;\n';

describe("import boundaries", () => {
  it("Drizzle only in db/ and the query modules", async () => {
    expect(await restrictedImports("lib/conversations/probe.ts", drizzle)).toEqual([expect.stringContaining("Drizzle belongs to db/")]);
    expect(await restrictedImports("app/probe.ts", drizzle)).toHaveLength(1);
    expect(await restrictedImports("bench/probe.ts", drizzle)).toHaveLength(1);
    expect(await restrictedImports("packages/gitlab-sandbox/src/probe.ts", drizzle)).toHaveLength(1);
    expect(await restrictedImports("lib/probe/queries.ts", drizzle)).toEqual([]);
    expect(await restrictedImports("lib/conversations/queries/probe.ts", drizzle)).toEqual([]);
    expect(await restrictedImports("lib/probe/testing/queries.ts", drizzle)).toEqual([]);
    expect(await restrictedImports("db/probe.ts", drizzle)).toEqual([]);
  }, 60_000);

  it("the product never imports e2e/, and a package never imports the app", async () => {
    const e2e = 'import { chromiumArgs } from "@/e2e/support/chromium";\nexport const x = chromiumArgs;\n';
    expect(await restrictedImports("lib/demo/probe.ts", e2e)).toEqual([expect.stringContaining("e2e/ holds only the Playwright tests")]);
    expect(await restrictedImports("db/probe.ts", e2e)).toHaveLength(1);
    expect(await restrictedImports("lib/probe/queries.ts", e2e)).toHaveLength(1);
    const app = 'import { log } from "@/lib/log";\nexport const x = log;\n';
    expect(await restrictedImports("packages/model-sandbox/src/probe.ts", app)).toEqual([expect.stringContaining("A workspace package stands alone")]);
  }, 60_000);

  it("lib/conversations never imports the resolver, queries included", async () => {
    const resolver = 'import { runLifecycles } from "@/lib/resolver/run-lifecycle";\nexport const x = runLifecycles;\n';
    expect(await restrictedImports("lib/conversations/probe.ts", resolver)).toEqual([expect.stringContaining("must not import the resolver")]);
    expect(await restrictedImports("lib/conversations/queries/probe.ts", resolver)).toHaveLength(1);
    expect(await restrictedImports("lib/jobs/probe.ts", resolver)).toEqual([]);
  }, 60_000);

  it("keeps the older rule: only the sandbox starts processes", async () => {
    const spawn = 'import { spawn } from "node:child_process";\nexport const x = spawn;\n';
    expect(await restrictedImports("lib/conversations/probe.ts", spawn)).toEqual([expect.stringContaining("spawnSandboxed")]);
  }, 60_000);
});
