import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumArgs, findChromium } from "./e2e/support/chromium";

const port = Number(process.env.E2E_PORT ?? 3200);
// "localhost", not 127.0.0.1: Next rewrites 127.0.0.1 to localhost in request URLs, and OAuth
// redirect URIs must match exactly.
const baseURL = `http://localhost:${port}`;
// The app runs in demo mode: its built-in GitLab sandbox listens here (tests drive its control API).
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 8939);
process.env.E2E_SANDBOX_URL = `http://127.0.0.1:${sandboxPort}`;
// Each run gets its own embedded database, so e2e never sees a developer's local data.
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "e2e-data-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: findChromium(), args: chromiumArgs },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // scripts/test-all.mjs builds first; `next start` serves the production build.
    command: `node node_modules/next/dist/bin/next start -p ${port}`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { DATA_DIR: dataDir, APP_URL: baseURL, LOG_LEVEL: "warn", NODE_ENV: "production", DEMO_MODE: "on", DEMO_SANDBOX_PORT: String(sandboxPort), HOOKS_SYNC_INTERVAL_MINUTES: "600" },
    // (the periodic hook sweep stays out of the way of tests that delete hooks on purpose)
    stdout: "pipe",
    stderr: "pipe",
  },
});
