import { describe, expect, it } from "vitest";
import type { AgentEvent } from "./events";
import { createParser, type OutputFormat } from "./parsers";

function parse(format: OutputFormat, lines: unknown[]) {
  const parser = createParser(format);
  if (!parser) throw new Error("no parser");
  const events: (AgentEvent[] | null)[] = lines.map((l) => parser.parseJson(l));
  return { events, all: [...events.flatMap((e) => e ?? []), ...parser.finish()], failure: parser.failure(), summary: parser.summary() };
}

describe("output parsers", () => {
  it("codex: commands, messages, file changes, retries and turn.failed", () => {
    const r = parse("codex", [
      { type: "thread.started", thread_id: "t" },
      { type: "item.completed", item: { id: "c1", type: "command_execution", command: "ls", aggregated_output: "a\n", exit_code: 0, status: "completed" } },
      { type: "item.completed", item: { id: "f1", type: "file_change", changes: [{ path: "a.ts", kind: "add" }, { path: "b.ts", kind: "update" }] } },
      { type: "error", message: "Reconnecting... 2/5" },
      { type: "item.completed", item: { id: "e1", type: "error", message: "Model metadata for `m` not found." } },
      { type: "error", message: "stream error" },
      { type: "turn.failed", error: { message: "stream error" } },
      { type: "something.new" },
    ]);
    expect(r.all).toEqual([
      { kind: "command", id: "c1", command: "ls" },
      { kind: "output", commandId: "c1", text: "a\n", exitCode: 0 },
      { kind: "file_edit", path: "a.ts", action: "create" },
      { kind: "file_edit", path: "b.ts", action: "modify" },
      { kind: "status", text: "Reconnecting... 2/5" },
      // error ITEMS are Codex warnings; the turn's error is the endpoint's, shown once
      { kind: "status", text: "Warning: Model metadata for `m` not found." },
      { kind: "error", message: "The model endpoint failed: stream error" },
    ]);
    expect(r.failure).toBe("The model endpoint failed: stream error");
    expect(r.events.at(-1)).toBeNull(); // unknown lines are shown raw by the runtime
  });

  it("claude: text, Bash with its result, edits, and the final result", () => {
    const r = parse("claude", [
      { type: "system", subtype: "init" },
      { type: "assistant", message: { content: [{ type: "text", text: "Looking." }, { type: "tool_use", id: "t1", name: "Bash", input: { command: "npm test" } }] } },
      { type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "ok" }] }] } },
      { type: "assistant", message: { content: [{ type: "tool_use", id: "t2", name: "Edit", input: { file_path: "src/a.ts" } }, { type: "tool_use", id: "t3", name: "Read", input: { file_path: "b.ts" } }] } },
      { type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t3", content: "file body" }] } },
      { type: "result", subtype: "success", is_error: false, result: "All done." },
    ]);
    expect(r.all).toEqual([
      { kind: "message", text: "Looking." },
      { kind: "command", id: "t1", command: "npm test" },
      { kind: "output", commandId: "t1", text: "ok", exitCode: 0 },
      { kind: "file_edit", path: "src/a.ts", action: "modify" },
      { kind: "status", text: "Read b.ts" },
    ]);
    expect(r.summary).toBe("All done.");
    expect(r.failure).toBeNull();
    expect(parse("claude", [{ type: "result", subtype: "error_max_turns", is_error: true }]).failure).toBe("error_max_turns");
  });

  it("gemini: joins message deltas, maps shell tools and a failed result", () => {
    const r = parse("gemini", [
      { type: "init", session_id: "s", model: "m" },
      { type: "message", role: "user", content: "task" },
      { type: "message", role: "assistant", content: "Hel", delta: true },
      { type: "message", role: "assistant", content: "lo", delta: true },
      { type: "tool_use", tool_name: "run_shell_command", tool_id: "x1", parameters: { command: "ls" } },
      { type: "tool_result", tool_id: "x1", status: "success", output: "a" },
      { type: "tool_use", tool_name: "write_file", tool_id: "x2", parameters: { file_path: "n.txt" } },
      { type: "message", role: "assistant", content: "Done", delta: true },
      { type: "result", status: "error", error: { message: "quota" } },
    ]);
    expect(r.all).toEqual([
      { kind: "message", text: "Hello" },
      { kind: "command", id: "x1", command: "ls" },
      { kind: "output", commandId: "x1", text: "a", exitCode: null },
      { kind: "file_edit", path: "n.txt", action: "create" },
      { kind: "message", text: "Done" },
      { kind: "error", message: "quota" },
    ]);
    expect(r.failure).toBe("quota");
  });

  it("opencode: text, bash tool calls, edits and errors", () => {
    const r = parse("opencode", [
      { type: "step_start", part: {} },
      { type: "tool_use", part: { tool: "bash", callID: "b1", state: { status: "completed", input: { command: "pwd" }, output: "/w\n", metadata: { exit: 0 } } } },
      { type: "tool_use", part: { tool: "write", callID: "w1", state: { status: "completed", input: { filePath: "/w/a.md" } } } },
      { type: "text", part: { text: "Finished." } },
      { type: "error", error: { name: "APIError", data: { message: "bad key" } } },
    ]);
    expect(r.all).toEqual([
      { kind: "command", id: "b1", command: "pwd" },
      { kind: "output", commandId: "b1", text: "/w\n", exitCode: 0 },
      { kind: "file_edit", path: "/w/a.md", action: "create" },
      { kind: "message", text: "Finished." },
      { kind: "error", message: "The model endpoint failed: bad key" },
    ]);
    expect(r.failure).toBe("The model endpoint failed: bad key");
  });

  it("openhands: documented action/observation examples", () => {
    const r = parse("openhands", [
      { type: "action", action: "write", path: "app.py" },
      { type: "observation", content: "File created successfully" },
      { type: "action", action: "run", command: "python app.py" },
      { type: "observation", content: "hello" },
      { type: "action", action: "finish", message: "Built it." },
      { kind: "UnknownEvent" },
    ]);
    expect(r.all).toEqual([
      { kind: "file_edit", path: "app.py", action: "create" },
      { kind: "command", id: "openhands-1", command: "python app.py" },
      { kind: "output", commandId: "openhands-1", text: "hello", exitCode: null },
      { kind: "message", text: "Built it." },
    ]);
    expect(r.events.at(-1)).toBeNull();
  });

  it("jsonl: native AgentEvents, else Codex lines; text has no parser", () => {
    const r = parse("jsonl", [{ kind: "status", text: "working" }, { type: "item.completed", item: { id: "m", type: "agent_message", text: "hi" } }, { kind: "bogus" }]);
    expect(r.all).toEqual([{ kind: "status", text: "working" }, { kind: "message", text: "hi" }]);
    expect(r.events.at(-1)).toBeNull();
    expect(createParser("text")).toBeNull();
  });
});
