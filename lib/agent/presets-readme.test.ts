import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRESET_IDS, PRESETS } from "./presets";

/** The README's preset table must show the exact command each preset runs, and who is verified. */
const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

function rendered(id: (typeof PRESET_IDS)[number]): string {
  const argv = PRESETS[id].command("<prompt>", { runtime: "command", customCommand: "$AGENT_COMMAND" });
  return argv.map((arg) => (arg.includes("<prompt>") ? arg.replace("<prompt>", '"<prompt>"') : /[\s$]/.test(arg) ? `"${arg}"` : arg)).join(" ");
}

function row(id: string): string {
  return readme.split("\n").find((line) => line.startsWith(`| \`${id}\` |`)) ?? "";
}

describe("README: agent presets", () => {
  it.each(PRESET_IDS)("lists %s with its exact command", (id) => {
    expect(row(id)).toContain(`\`${rendered(id)}\``);
  });

  it("marks the verified presets as verified end to end, the others as not exercised in CI", () => {
    expect(PRESET_IDS.filter((id) => PRESETS[id].verified)).toEqual(["claude-code", "codex", "gemini", "opencode"]);
    for (const id of PRESET_IDS) {
      expect(row(id)).toContain(PRESETS[id].verified ? "verified end to end in tests" : "configured, not exercised in CI");
    }
  });
});
