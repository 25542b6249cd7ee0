import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelApi, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import type { PresetId } from "./presets";
import { outputsOf, runCli, SANDBOX_MODEL, setAppEnv, type CliRunOptions } from "./testing/cli-run";

/**
 * Claude Code, Gemini CLI and OpenCode end to end at the runtime level, as codex.int.test.ts does for
 * Codex: the REAL CLI (pinned in package.json) talks to the model sandbox in its own API, runs real
 * commands in a real workspace, and its JSON lines become conversation events. No internet.
 * The failing endpoint and cancel are proven through GitLab, in cli-presets-gitlab.int.test.ts; a
 * stalled stream ends by the run's timeout like any other hang (codex.int.test.ts), and the sandbox's
 * faults for each API are tested in packages/model-sandbox/src/dialects.test.ts.
 */

const MODEL_KEY = "sk-model-sandbox-1515";
const KEY_ENV = "CLI_PRESETS_INT_MODEL_KEY";
const SECRETS = { MY_SECRET: "custom-secret-value-15", GITLAB_TOKEN: "glpat-custom-token-15" };
const OAUTH_TOKEN = "oauth-access-token-15";
const APP_SECRETS = { DATABASE_URL: "postgres://app:db-password-15@127.0.0.1:5432/app", ENCRYPTION_KEY: "app-encryption-key-15", AUTH_SECRET: "app-auth-secret-15" };

/**
 * `exitCodes`: the CLI's stream carries a command's exit code (Gemini CLI's says "success" whatever it
 * was). `hidesKey`: the CLI keeps the key it holds out of its commands' environment; Gemini CLI
 * cannot without also hiding the user's secrets (see lib/agent/preset-gemini.ts), so its commands see
 * the run's placeholder, never the real key (the sandbox's proxy adds that: sandbox/model-key.int.test.ts).
 */
const CLIS: { preset: PresetId; api: ModelApi; exitCodes: boolean; hidesKey: boolean }[] = [
  { preset: "claude-code", api: "messages", exitCodes: true, hidesKey: true },
  { preset: "gemini", api: "gemini", exitCodes: false, hidesKey: false },
  { preset: "opencode", api: "chat", exitCodes: true, hidesKey: true },
];

let sandbox: ModelSandbox;
let root: string;
let appEnv: { restore(): void };

beforeAll(async () => {
  sandbox = await startModelSandbox({ apiKey: MODEL_KEY });
  root = await mkdtemp(join(tmpdir(), "cli-presets-int-"));
  // The app's own secrets are in its environment, like in production; the model key is there too,
  // named by AGENT_MODEL_API_KEY_ENV: only the sandbox's proxy uses it, the CLIs hold a placeholder.
  appEnv = setAppEnv({ ...APP_SECRETS, [KEY_ENV]: MODEL_KEY });
});

afterAll(async () => {
  appEnv.restore();
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  sandbox.reset();
});

describe.each(CLIS)("the $preset preset with the real CLI and the model sandbox", ({ preset, api, exitCodes, hidesKey }) => {
  const run = (prompt: string, opts: Partial<CliRunOptions> = {}) => runCli(prompt, { preset, sandbox, root, keyEnv: KEY_ENV, secrets: SECRETS, oauthToken: OAUTH_TOKEN, ...opts });

  it("creates the file with a real command, streams command + output events, and ends with the CLI's last message", async () => {
    const { workspaceDir, events, result } = await run("create file docs/hello.md with content Hello from the agent\nrun: cat docs/hello.md");

    expect(await readFile(join(workspaceDir, "docs/hello.md"), "utf8")).toBe("Hello from the agent\n");
    expect(result).toEqual({ outcome: "resolved", summary: "Done. Created `docs/hello.md`. Ran `cat docs/hello.md`." });
    const commands = events.filter((e) => e.kind === "command");
    expect(commands.map((c) => (c.kind === "command" ? c.command : ""))).toEqual([expect.stringContaining("cat > docs/hello.md"), "cat docs/hello.md"]);
    const catId = commands[1]?.kind === "command" ? commands[1].id : "";
    expect(outputsOf(events).find((o) => o.commandId === catId)).toMatchObject({ text: expect.stringContaining("Hello from the agent"), exitCode: exitCodes ? 0 : null });
    expect(events.filter((e) => e.kind === "message").at(-1)).toEqual({ kind: "message", text: result.summary });
    expect(events.filter((e) => e.kind === "error")).toEqual([]);

    // The CLI spoke its own API to the sandbox, with the configured model and key.
    const model = sandbox.requests().filter((r) => r.api !== null);
    expect(model.length).toBeGreaterThanOrEqual(3); // two tool calls, then the final message
    for (const r of model) expect(r).toMatchObject({ api, model: SANDBOX_MODEL, apiKey: MODEL_KEY, status: 200 });
  });

  it("runs commands with the user's secrets and custom GITLAB_TOKEN, none of the app's secrets nor the model key, and leaves no state behind", async () => {
    const { events, result, home } = await run("run: env");
    expect(result.outcome).toBe("resolved");
    const text = outputsOf(events).map((o) => o.text).join("\n");
    expect(text).toContain(`MY_SECRET=${SECRETS.MY_SECRET}`);
    expect(text).toContain(`GITLAB_TOKEN=${SECRETS.GITLAB_TOKEN}`);
    for (const leaked of [...Object.values(APP_SECRETS), OAUTH_TOKEN]) expect(text).not.toContain(leaked);
    for (const name of ["DATABASE_URL=", "ENCRYPTION_KEY=", "AUTH_SECRET=", `${KEY_ENV}=`]) expect(text).not.toContain(name);
    expect(text).not.toContain(MODEL_KEY);
    if (!hidesKey) expect(text).toMatch(/GEMINI_API_KEY=ohk-model-[0-9a-f]{32}\n/); // the placeholder, worthless outside this run's proxy
    // The run's HOME and private dirs are gone; nothing of it is left under the test's root but workspaces.
    expect((await readdir(root)).filter((d) => !d.startsWith("ws-"))).toEqual([]);
    expect(home.startsWith(root)).toBe(true);
  });
});
