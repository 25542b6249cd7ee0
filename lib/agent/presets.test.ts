import { describe, expect, it } from "vitest";
import { codexConfigToml, formatFor, PRESET_IDS, PRESETS, promptArg } from "./presets";

describe("presets", () => {
  it("build the documented headless command lines", () => {
    const config = { runtime: "command" as const, customCommand: "my-agent --go" };
    expect(PRESETS.codex.command("fix it", config)).toEqual(["codex", "exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access", "fix it"]);
    expect(PRESETS["claude-code"].command("fix it", config).slice(0, 7)).toEqual(["claude", "-p", "fix it", "--output-format", "stream-json", "--verbose", "--permission-mode"]);
    expect(PRESETS.gemini.command("fix it", config)).toEqual(["gemini", "--skip-trust", "--prompt=fix it", "--output-format", "stream-json", "--approval-mode=yolo"]);
    // `opencode run` quotes arguments containing spaces before the model sees them: the prompt goes on stdin.
    expect(PRESETS.opencode.command("fix it", config)).toEqual(["opencode", "run", "--format", "json"]);
    expect(PRESETS.opencode.promptVia).toBe("stdin");
    expect(PRESETS.openhands.command("fix it", config)).toEqual(["openhands", "--headless", "--json", "--override-with-envs", "--task=fix it"]);
    expect(PRESETS.custom.command("fix it", config)).toEqual(["/bin/sh", "-c", "my-agent --go"]);
    expect(PRESETS.custom.promptVia).toBe("stdin");
  });

  it("keep a prompt from being read as an option", () => {
    expect(promptArg("- create file a")).toBe(" - create file a");
    expect(promptArg("create")).toBe("create");
  });

  it("are unverified until an end-to-end test proves one (lib/agent/codex*.int.test.ts, cli-presets*.int.test.ts)", () => {
    expect(PRESET_IDS.sort()).toEqual(["claude-code", "codex", "custom", "gemini", "opencode", "openhands"]);
    expect(PRESET_IDS.filter((id) => PRESETS[id].verified)).toEqual(["claude-code", "codex", "gemini", "opencode"]);
  });

  it("use AGENT_OUTPUT_FORMAT for custom commands only", () => {
    expect(formatFor(PRESETS.custom, { runtime: "command", customFormat: "jsonl" })).toBe("jsonl");
    expect(formatFor(PRESETS.custom, { runtime: "command" })).toBe("text");
    expect(formatFor(PRESETS.codex, { runtime: "command", customFormat: "text" })).toBe("codex");
  });

  it("write Codex's provider config", () => {
    expect(codexConfigToml({ baseUrl: "http://127.0.0.1:4000/v1", model: "gpt-\"x\"", apiKeyEnv: "MODEL_API_KEY" })).toBe(
      'model_provider = "agent"\nmodel = "gpt-\\"x\\""\n\n[model_providers.agent]\nname = "agent"\nbase_url = "http://127.0.0.1:4000/v1"\nwire_api = "responses"\nenv_key = "MODEL_API_KEY"\n',
    );
    expect(codexConfigToml({ baseUrl: "http://h/v1", model: "m" })).not.toContain("env_key");
  });
});
