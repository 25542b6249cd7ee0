import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "./events";
import { createParser, type OutputFormat } from "./parsers";

/**
 * The parsers on REAL output: each fixture is the stdout of the pinned CLI running
 * "create file docs/hello.md with content Hello / run: cat docs/hello.md / run: ls missing-dir"
 * against the model sandbox (`-ok`), or with every model request failing (`-fail`). Recorded for
 * issue 15 with the preset's own command line and per-run setup.
 */
function parseFixture(format: OutputFormat, name: string) {
  const parser = createParser(format);
  if (!parser) throw new Error("no parser");
  const lines = readFileSync(join(import.meta.dirname, "parsers", "fixtures", `${name}.jsonl`), "utf8").split("\n").filter((l) => l.trim() !== "");
  const perLine = lines.map((l) => parser.parseJson(JSON.parse(l) as unknown));
  return { unknown: perLine.filter((e) => e === null).length, events: [...perLine.flatMap((e) => e ?? []), ...parser.finish()], failure: parser.failure(), summary: parser.summary() };
}

const commands = (events: AgentEvent[]) => events.flatMap((e) => (e.kind === "command" ? [e.command] : []));
const outputs = (events: AgentEvent[]) => events.flatMap((e) => (e.kind === "output" ? [{ text: e.text.trim(), exitCode: e.exitCode }] : []));
const FINAL = "Done. Created `docs/hello.md`. Ran `cat docs/hello.md`. Ran `ls missing-dir`";
const CREATE = "mkdir -p docs && cat > docs/hello.md <<'EOF'\nHello\nEOF";
const LS_ERROR = "ls: cannot access 'missing-dir': No such file or directory";

describe("parsers on recorded real output", () => {
  it("claude (Claude Code 2.1.197): commands, outputs with exit codes, the final result", () => {
    const r = parseFixture("claude", "claude-code-ok");
    expect(r.unknown).toBe(0);
    expect(commands(r.events)).toEqual([CREATE, "cat docs/hello.md", "ls missing-dir"]);
    expect(outputs(r.events)).toEqual([
      { text: "(Bash completed with no output)", exitCode: 0 },
      { text: "Hello", exitCode: 0 },
      { text: `Exit code 2\n${LS_ERROR}`, exitCode: 2 },
    ]);
    expect(r.events.filter((e) => e.kind === "message")).toEqual([{ kind: "message", text: `${FINAL} (exit code 2).` }]);
    expect(r.summary).toBe(`${FINAL} (exit code 2).`);
    expect(r.failure).toBeNull();
  });

  it("claude: a failing endpoint is a retry note, then the failure (not a message)", () => {
    const r = parseFixture("claude", "claude-code-fail");
    expect(r.events.filter((e) => e.kind === "message")).toEqual([]);
    expect(r.events).toContainEqual({ kind: "status", text: "Reconnecting… 1/1 (503)" });
    expect(r.failure).toMatch(/^The model endpoint failed: API Error: 503 the model sandbox fails every request/);
    expect(r.events.at(-1)).toEqual({ kind: "error", message: r.failure });
  });

  it("gemini (Gemini CLI 0.61.0): commands, outputs (exit code unknown: the stream says success), the final message", () => {
    const r = parseFixture("gemini", "gemini-ok");
    expect(r.unknown).toBe(0);
    expect(commands(r.events)).toEqual([CREATE, "cat docs/hello.md", "ls missing-dir"]);
    expect(outputs(r.events)).toEqual([
      { text: "", exitCode: null },
      { text: "Hello", exitCode: null },
      { text: LS_ERROR, exitCode: null },
    ]);
    expect(r.events.filter((e) => e.kind === "message")).toEqual([{ kind: "message", text: `${FINAL} (exit code 2).` }]);
    expect(r.failure).toBeNull();
  });

  it("gemini: a failing endpoint ends as 'the model endpoint failed'", () => {
    const r = parseFixture("gemini", "gemini-fail");
    expect(r.failure).toBe("The model endpoint failed: the model sandbox fails every request (fail mode)");
    expect(r.events).toContainEqual({ kind: "error", message: r.failure });
  });

  it("opencode (OpenCode 1.18.33): commands with their outputs and exit codes, the final text", () => {
    const r = parseFixture("opencode", "opencode-ok");
    expect(r.unknown).toBe(0);
    expect(commands(r.events)).toEqual([CREATE, "cat docs/hello.md", "ls missing-dir"]);
    expect(outputs(r.events)).toEqual([
      { text: "(no output)", exitCode: 0 },
      { text: "Hello", exitCode: 0 },
      { text: LS_ERROR, exitCode: 2 },
    ]);
    // OpenCode does not tell the model the exit code, so the scripted model's summary cannot either.
    expect(r.events.filter((e) => e.kind === "message")).toEqual([{ kind: "message", text: `${FINAL}.` }]);
    expect(r.failure).toBeNull();
  });

  it("opencode: a failing endpoint ends as 'the model endpoint failed'", () => {
    const r = parseFixture("opencode", "opencode-fail");
    expect(r.failure).toBe("The model endpoint failed: the model sandbox fails every request (fail mode)");
  });
});
