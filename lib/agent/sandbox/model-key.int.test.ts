import { readdir, readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelApi, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import type { PresetId } from "../presets";
import { outputsOf, runCli, SANDBOX_MODEL, setAppEnv } from "../testing/cli-run";
import { processWorkDir } from "../work-dirs";
import { sandboxSettings } from "./settings";

/**
 * The attack that found the model endpoint's key in four places inside the sandbox (the CLI's
 * /proc/<pid>/environ, the sandbox's init, the CLI's config file): a prompt-injected agent runs a
 * command that searches everything it can read. Now each CLI holds only the run's placeholder and the
 * proxy adds the real key on the way out (model-gateway.ts), so the search must find the key NOWHERE,
 * while the same search does find the placeholder (the scan works), and the model endpoint still
 * receives the real key.
 */

const MODEL_KEY = "sk-model-gateway-real-key-9871";
const KEY_ENV = "MODEL_KEY_INT_TEST_KEY";

const CLIS: { preset: PresetId; api: ModelApi }[] = [
  { preset: "codex", api: "responses" },
  { preset: "claude-code", api: "messages" },
  { preset: "gemini", api: "gemini" },
  { preset: "opencode", api: "chat" },
];

let sandbox: ModelSandbox;
let root: string;
let appEnv: { restore(): void };

beforeAll(async () => {
  sandbox = await startModelSandbox({ apiKey: MODEL_KEY });
  root = await mkdtemp(join(tmpdir(), "model-key-int-"));
  appEnv = setAppEnv({ [KEY_ENV]: MODEL_KEY });
});

afterAll(async () => {
  appEnv.restore();
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  sandbox.reset();
});

/** Every file under `dir` (the checkout after the run), as text. */
async function allText(dir: string): Promise<string> {
  let text = "";
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += await readFile(join(entry.parentPath, entry.name), "latin1");
  }
  return text;
}

/**
 * The agent's command: the key and the placeholder's prefix arrive base64-encoded (so the command line
 * itself holds neither), then every process's environ and cmdline, HOME, the checkout, /tmp and the
 * run's private directory (CLI config files, sessions) are searched. `;` is escaped for the model
 * sandbox's instruction language.
 */
function scanCommand(): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const places = `"$HOME" "$PWD" /tmp ${processWorkDir(sandboxSettings().workRoot)}`;
  return [
    `echo ${b64(MODEL_KEY)} | base64 -d > /dev/shm/k`,
    `echo ${b64("ohk-model-")} | base64 -d > /dev/shm/ph`,
    `for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline`,
    ` do grep -qaF -f /dev/shm/k "$f" 2>/dev/null && echo "KEY-IN:$f"`,
    ` grep -qaF -f /dev/shm/ph "$f" 2>/dev/null && echo "PH-IN:$f"`,
    ` done`,
    `grep -rlaF -f /dev/shm/k ${places} 2>/dev/null | sed s/^/KEY-IN:/`,
    `grep -rlaF -f /dev/shm/ph ${places} 2>/dev/null | sed s/^/PH-IN:/`,
    `echo SCAN-DONE`,
  ].join("\\; ");
}

describe.each(CLIS)("the real model key with the $preset CLI in the sandbox", ({ preset, api }) => {
  it("is nowhere a prompt-injected command can look (environ of every process, config files, HOME, the checkout), yet the endpoint receives it", async () => {
    const { workspaceDir, events, result } = await runCli(`run: ${scanCommand()}`, {
      preset, sandbox, root, keyEnv: KEY_ENV, secrets: {}, oauthToken: "oauth-token-model-key",
    });
    expect(result.outcome, JSON.stringify(events)).toBe("resolved");
    const text = outputsOf(events).map((o) => o.text).join("\n");
    expect(text).toContain("SCAN-DONE");
    expect(text.split("\n").filter((l) => l.includes("KEY-IN:"))).toEqual([]);
    // The scan does see what the CLI holds: the placeholder (in its environ or its config file).
    expect(text).toMatch(/PH-IN:\/(proc\/\d+\/environ|.*(config|json|toml))/);
    expect(JSON.stringify(events)).not.toContain(MODEL_KEY);
    expect(await allText(workspaceDir)).not.toContain(MODEL_KEY);
    // The proxy swapped the placeholder for the real key on every model request.
    const model = sandbox.requests().filter((r) => r.api !== null);
    expect(model.length).toBeGreaterThanOrEqual(2);
    for (const r of model) expect(r).toMatchObject({ api, model: SANDBOX_MODEL, apiKey: MODEL_KEY, status: 200 });
  });
});
