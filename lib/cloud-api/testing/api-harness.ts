import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/keys";
import { startProcessWorker } from "@/lib/jobs/worker-root";
import { resetEnvForTests } from "@/lib/env";
import { connectUser, type ConnectedUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture, TEST_REDIRECT_URI, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { ApiClient } from "./api-client";

/**
 * Test harness for the Cloud API: a fresh database installed as the process database (what the
 * route handlers' `getDb()` returns), a GitLab sandbox configured as the GitLab instance, two users
 * signed in through real OAuth, each with an API key, and the process worker running the scripted
 * agent. Everything is undone by `close()`.
 */

export const PASSWORD = "harness-password-1";

export const harnessSeed = {
  users: [
    { username: "dev", name: "Dev Eloper", password: PASSWORD },
    { username: "eve", name: "Eve Other", password: PASSWORD },
  ],
  groups: [{ path: "acme", name: "Acme", members: [{ username: "dev", access_level: 40 }] }],
  projects: [
    {
      namespace: "acme",
      path: "web-shop",
      default_branch: "main",
      files: { "README.md": "# web-shop\n", "src/cart.js": "export const total = (items) => items.length;\n" },
    },
    { namespace: "eve", path: "secret-project", default_branch: "main", files: { "README.md": "# eve only\n" } },
  ],
};

const dbKey = Symbol.for("gitlab-agent.db");
const queueKey = Symbol.for("gitlab-agent.queue");
const workerKey = Symbol.for("gitlab-agent.worker");
type G = typeof globalThis & Record<symbol, Promise<unknown> | undefined>;

export interface ApiHarness {
  db: DbHandle["db"];
  handle: DbHandle;
  sandbox: SandboxFixture;
  api: ApiClient;
  dev: ConnectedUser & { key: string };
  eve: ConnectedUser & { key: string };
  /** sets (or, with undefined, removes) an env variable for the rest of the file, re-parsing the env */
  setEnv(name: string, value: string | undefined): void;
  close(): Promise<void>;
}

export async function startApiHarness(opts: { worker?: boolean } = {}): Promise<ApiHarness> {
  const g = globalThis as G;
  const savedEnv = { ...process.env };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-api-"));
  let testDb: TestDatabase | undefined;
  let sandbox: SandboxFixture | undefined;
  const close = async () => {
    await stopProcessJobs(g);
    delete g[dbKey];
    await sandbox?.close();
    await testDb?.close();
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    resetEnvForTests();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    testDb = await createTestDatabase();
    sandbox = await startSandboxFixture(harnessSeed);
    const appUrl = new URL(TEST_REDIRECT_URI).origin;
    Object.assign(process.env, {
      APP_URL: appUrl,
      DATA_DIR: dataDir,
      DEMO_MODE: "off",
      GITLAB_URL: sandbox.oauth.baseUrl,
      GITLAB_CLIENT_ID: sandbox.oauth.clientId,
      GITLAB_CLIENT_SECRET: sandbox.oauth.clientSecret,
      AGENT_RUNTIME: "scripted",
      API_RATE_LIMIT_PER_MINUTE: "10000",
    });
    delete process.env.DATABASE_URL;
    resetEnvForTests();
    // The route handlers, the queue and the worker all reach the database through getDb().
    g[dbKey] = Promise.resolve(testDb.handle);
    const db = testDb.handle.db;
    const dev = await connectUser(db, sandbox.oauth, { username: "dev", password: PASSWORD });
    const eve = await connectUser(db, sandbox.oauth, { username: "eve", password: PASSWORD });
    const devKey = await createApiKey(db, { userId: dev.userId, name: "dev script" });
    const eveKey = await createApiKey(db, { userId: eve.userId, name: "eve script" });
    if (opts.worker ?? true) {
      await startProcessWorker();
    }
    return {
      db,
      handle: testDb.handle,
      sandbox,
      api: new ApiClient(`${appUrl}/api/v1`),
      dev: { ...dev, key: devKey.token },
      eve: { ...eve, key: eveKey.token },
      setEnv(name, value) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
        resetEnvForTests();
      },
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** Stops the process worker and queue started through lib/jobs/worker-root.ts, without closing the database. */
async function stopProcessJobs(g: G): Promise<void> {
  const worker = (await g[workerKey]?.catch(() => undefined)) as { stop(): Promise<void> } | undefined;
  await worker?.stop();
  const queue = (await g[queueKey]?.catch(() => undefined)) as { stop(o: object): Promise<void> } | undefined;
  await queue?.stop({ graceful: false, timeout: 5_000 }).catch(() => undefined);
  delete g[workerKey];
  delete g[queueKey];
}
