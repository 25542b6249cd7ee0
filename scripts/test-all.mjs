#!/usr/bin/env node
// `npm test`: every check, in order, with one closing line "N passed, N failed".
//   static   lint + typecheck + import cycles (madge)
//   unit     vitest project "unit" (pure logic, GitLab sandbox)
//   int      vitest project "integration" on PGlite, then again on Postgres when TEST_DATABASE_URL is set
//   e2e      next build, then Playwright in the system Chromium
// `--only <stage>` runs one stage (npm run test:int, npm run test:e2e).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDependencies } from "./ensure-deps.mjs";

ensureDependencies();

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "test-all-"));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(name, cmd, cmdArgs, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${cmdArgs.join(" ")}`);
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`=== ${name}: exit ${res.status} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (res.status !== 0) failures.push(name);
  return res.status === 0;
}

function countVitest(file, name) {
  if (!fs.existsSync(file)) return failures.includes(name) || failures.push(`${name} (no report)`);
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numTotalTests === 0) failures.push(`${name} ran no test`);
}

function vitest(name, project, env = {}) {
  const file = path.join(outDir, `${name}.json`);
  run(name, "npx", ["vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`], env);
  countVitest(file, name);
}

const stages = {
  static() {
    run("lint", "npx", ["eslint", ".", "--max-warnings=0"]);
    run("typecheck", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);
    // Issue 14: no import cycles in the product or the packages, type imports included.
    run("cycles", "npm", ["run", "--silent", "cycles"]);
  },
  unit() {
    vitest("unit", "unit", { LOG_LEVEL: "warn" });
  },
  int() {
    vitest("integration (PGlite)", "integration", { TEST_DB: "pglite", LOG_LEVEL: "warn" });
    if (process.env.TEST_DATABASE_URL) vitest("integration (Postgres)", "integration", { TEST_DB: "postgres", LOG_LEVEL: "warn" });
    else console.log("\nTEST_DATABASE_URL is not set: integration tests ran on PGlite only.");
  },
  e2e() {
    if (!run("build", "npx", ["next", "build"])) return;
    const file = path.join(outDir, "e2e.json");
    run("e2e", "npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    if (!fs.existsSync(file)) return failures.push("e2e (no report)");
    const s = JSON.parse(fs.readFileSync(file, "utf8")).stats;
    totals.passed += s.expected + (s.flaky ?? 0);
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
    if (s.expected + s.unexpected + (s.flaky ?? 0) === 0) failures.push("e2e ran no test");
  },
};

for (const [name, stage] of Object.entries(stages)) {
  if (!only || only === name) stage();
}

console.log("");
if (failures.length) console.log(`Failed stages: ${failures.join(", ")}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length || totals.failed ? 1 : 0);
