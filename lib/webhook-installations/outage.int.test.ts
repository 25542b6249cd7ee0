import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db/client";
import { createCipherKit } from "@/lib/crypto/encryption";
import { connectUser } from "@/lib/gitlab/testing/connected-user";
import { TEST_REDIRECT_URI } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/lib/testing/db";
import { spawnTsx, waitUntil, type Spawned } from "@/lib/testing/processes";
import { createTestInstallation } from "@/lib/webhook-receiver/testing/receiver-fixture";
import { updateInstallation } from "./testing/queries";

/**
 * The outage, as an operator lives it: the GitLab sandbox runs as its own process, the app (web
 * boot with its in-process worker, and the real webhook route) runs as another, on a real database.
 * The app is stopped; five triggers are made on GitLab (three labels, two comments), enough for
 * GitLab to disable the hook, so the last one is never even sent. The app is started again on the
 * same database. Every trigger must get exactly one acknowledgment and one run (one final comment,
 * ✅ on the trigger), the hook must be executable again, and a delivery arriving later must not
 * start a second run. Everything is asserted on GitLab, where a user would look.
 */

const KEY = Buffer.alloc(32, 7).toString("base64");
const SECRET = "s".repeat(40);

interface Note { id: number; body: string }

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe("outage: app down while triggers are made, then restarted", () => {
  const kind = testDbKind();
  let dir: string;
  let tdb: TestDatabase | null = null;
  let sandbox: Spawned;
  let sandboxUrl: string;
  let token: string;
  let pid: number;
  let hookId: number;
  let secret: string;
  let appPort: number;
  let appEnv: Record<string, string | undefined>;
  const apps: Spawned[] = [];

  const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sandboxUrl}/api/v4${p}`, { method, headers: { "private-token": token, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  const notes = (iid: number) => api<Note[]>("GET", `/projects/${pid}/issues/${iid}/notes?sort=asc&per_page=100`);
  const marked = (all: Note[], kindOfComment: string) => all.filter((n) => n.body.includes(`<!-- openhands-agent ${kindOfComment}/`));
  const events = () => api<{ id: number; response_status: string; request_data: unknown; request_headers: Record<string, string> }[]>("GET", `/projects/${pid}/hooks/${hookId}/events?per_page=100`);

  async function startApp(): Promise<Spawned> {
    const app = spawnTsx("lib/testing/app-main.ts", appEnv);
    apps.push(app);
    await waitUntil(() => app.output().includes("worker started") && app.output().includes("app listening"), 60_000, "the app to start");
    return app;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "outage-"));
    const seedFile = path.join(dir, "seed.json");
    await writeFile(
      seedFile,
      JSON.stringify({
        users: [{ username: "alice", personal_access_tokens: [{ name: "t", scopes: ["api"] }] }],
        projects: [{ namespace: "alice", path: "svc", files: { "README.md": "# Svc\n" }, labels: ["openhands"] }],
        oauth_applications: [{ name: "app", redirect_uri: TEST_REDIRECT_URI, scopes: "api read_user read_repository write_repository", confidential: true }],
      }),
    );
    sandbox = spawnTsx(createRequire(import.meta.url).resolve("@gitlab-agent/gitlab-sandbox/cli"), {}, ["--port", "0", "--seed", seedFile]);
    await waitUntil(() => sandbox.output().includes("\n"), 30_000, "the sandbox to start");
    const announced = JSON.parse(sandbox.output().split("\n")[0]!) as {
      url: string;
      seed: { users: { personal_access_tokens: { token: string }[] }[]; projects: { id: number }[]; oauth_applications: { uid: string; secret: string }[] };
    };
    sandboxUrl = announced.url;
    token = announced.seed.users[0]!.personal_access_tokens[0]!.token;
    pid = announced.seed.projects[0]!.id;
    const oauthApp = announced.seed.oauth_applications[0]!;
    const oauth = { baseUrl: sandboxUrl, clientId: oauthApp.uid, clientSecret: oauthApp.secret, redirectUri: TEST_REDIRECT_URI };

    // The database the app will use, set up the way sign-in and the installer leave it.
    let handle: DbHandle;
    if (kind === "postgres") {
      tdb = await createTestDatabase("postgres");
      handle = tdb.handle;
    } else {
      handle = await openDatabase({ dataDir: path.join(dir, "pglite"), migrate: true });
    }
    const alice = await connectUser(handle.db, oauth, { username: "alice", password: "sandbox-password" }, { cipher: createCipherKit({ current: KEY }) });
    appPort = await freePort();
    const inst = await createTestInstallation(handle, { baseUrl: sandboxUrl, resourceId: pid, resourcePath: "alice/svc", installedBy: alice.userId });
    secret = inst.secret;
    const hook = await api<{ id: number }>("POST", `/projects/${pid}/hooks`, {
      url: `http://127.0.0.1:${appPort}/api/gitlab/webhook`, token: secret, push_events: false, issues_events: true, note_events: true, merge_requests_events: true,
    });
    hookId = hook.id;
    await updateInstallation(handle.db, inst.installation.id, { gitlabHookId: hookId, installedAt: new Date(Date.now() - 60_000) });
    // PGlite has one writer: the app opens it next.
    if (kind === "pglite") await handle.close();

    appEnv = {
      APP_PORT: String(appPort),
      APP_URL: `http://127.0.0.1:${appPort}`,
      GITLAB_URL: sandboxUrl,
      GITLAB_CLIENT_ID: oauthApp.uid,
      GITLAB_CLIENT_SECRET: oauthApp.secret,
      DEMO_MODE: "off",
      ENCRYPTION_KEY: KEY,
      AUTH_SECRET: SECRET,
      WORKER_IN_PROCESS: "on",
      // The test agent (main requires an explicit agent choice since the sandbox work).
      AGENT_RUNTIME: "scripted",
      LOG_LEVEL: "info",
      ...(kind === "postgres" ? { DATABASE_URL: tdb!.url } : { DATA_DIR: dir }),
    };
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill("SIGKILL");
    sandbox?.child.kill("SIGTERM");
    await sandbox?.exited;
    await tdb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("every trigger gets one acknowledgment and one run, the hook works again, and a late delivery starts nothing", async () => {
    const first = await startApp();
    const issues: number[] = [];
    for (let i = 0; i < 5; i++) issues.push((await api<{ iid: number }>("POST", `/projects/${pid}/issues`, { title: `Outage ${i}`, description: "answer: done" })).iid);
    await waitUntil(async () => (await events()).filter((e) => e.response_status === "202").length >= 5, 20_000, "the issue deliveries");

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    // While the app is down: 3 labels, 2 comments. Deliveries 1-4 fail; GitLab then disables the hook.
    const failedSoFar = async () => (await events()).filter((e) => e.response_status === "internal error").length;
    for (const [n, iid] of issues.entries()) {
      if (n < 3) await api("PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
      else await api("POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands answer: recovered" });
      if (n < 4) await waitUntil(async () => (await failedSoFar()) === n + 1, 15_000, `failed delivery ${n + 1}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await failedSoFar()).toBe(4);
    expect((await api<{ alert_status: string }>("GET", `/projects/${pid}/hooks/${hookId}`)).alert_status).toBe("temporarily_disabled");

    const second = await startApp();
    for (const iid of issues) {
      await waitUntil(async () => marked(await notes(iid), "final").length > 0, 90_000, `the run on #${iid} to end`);
    }
    for (const [n, iid] of issues.entries()) {
      const all = await notes(iid);
      expect(marked(all, "ack"), `acks on #${iid}`).toHaveLength(1);
      expect(marked(all, "final"), `final comments on #${iid}`).toHaveLength(1);
      const trigger = n < 3 ? null : all.find((x) => x.body.startsWith("@openhands"));
      // Marked right after the final comment: ✅ on the comment (or the issue, for a label), 👀 gone.
      const awards = async () => (await api<{ name: string }[]>("GET", trigger ? `/projects/${pid}/issues/${iid}/notes/${trigger.id}/award_emoji` : `/projects/${pid}/issues/${iid}/award_emoji`)).map((a) => a.name).join(",");
      await waitUntil(async () => (await awards()) === "white_check_mark", 10_000, `✅ alone on the trigger of #${iid} (has: ${await awards()})`);
    }
    expect((await api<{ alert_status: string }>("GET", `/projects/${pid}/hooks/${hookId}`)).alert_status).toBe("executable");

    // Later: GitLab delivers each missed event again under a new key (as a late duplicate would).
    const failed = (await events()).filter((e) => e.response_status === "internal error");
    const duplicates = () => (second.output().match(/"msg":"duplicate trigger"/g) ?? []).length;
    const before = duplicates();
    for (const e of failed) {
      const res = await fetch(`http://127.0.0.1:${appPort}/api/gitlab/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-gitlab-token": secret, "x-gitlab-event": e.request_headers["X-Gitlab-Event"] ?? "", "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify(e.request_data),
      });
      expect(res.status).toBe(202);
    }
    // Each is recorded (202) and its job worked within a second or two; give them ample time to
    // (wrongly) start anything before looking.
    await waitUntil(() => duplicates() >= before + failed.length, 30_000, "the late deliveries to be found duplicates");
    await new Promise((r) => setTimeout(r, 2_000));
    for (const iid of issues) {
      const all = await notes(iid);
      expect(marked(all, "ack"), `acks on #${iid} after the late deliveries`).toHaveLength(1);
      expect(marked(all, "final"), `final comments on #${iid} after the late deliveries`).toHaveLength(1);
    }
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 240_000);
});
