import { describe, expect, it } from "vitest";
import { decideNextTurn, findTask, NO_INSTRUCTION_MESSAGE, planFor } from "./brain";
import type { InputItem } from "./responses-api";

const user = (text: string): InputItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const developer = (text: string): InputItem => ({ type: "message", role: "developer", content: [{ type: "input_text", text }] });
const call = (id: string, cmd: string, name = "exec_command"): InputItem => ({ type: "function_call", call_id: id, name, arguments: JSON.stringify({ cmd }) });
const output = (id: string, text: string): InputItem => ({ type: "function_call_output", call_id: id, output: text });
const exited = (code: number, out = ""): string => `Chunk ID: 1\nWall time: 0.01 seconds\nProcess exited with code ${code}\nOriginal token count: 1\nOutput:\n${out}`;

/** What Codex sends before the task: its instructions and an environment context message. */
const preamble = [developer("You are a coding agent running in the Codex CLI."), user("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>")];

describe("findTask", () => {
  it("takes the last user message that is not Codex's own context", () => {
    const input = [...preamble, user("create file a.txt with content A")];
    expect(findTask(input)).toEqual({ index: 2, text: "create file a.txt with content A" });
    expect(findTask(preamble)).toBeNull();
  });
});

describe("decideNextTurn", () => {
  it("turns a create instruction into one exec_command writing the file, then a final message", () => {
    const input = [...preamble, user("create file docs/hello.md with content Hello from Codex")];
    const first = decideNextTurn(input);
    expect(first).toEqual({
      type: "call",
      name: "exec_command",
      args: { cmd: "mkdir -p docs && cat > docs/hello.md <<'EOF'\nHello from Codex\nEOF", login: false, yield_time_ms: 30_000 },
    });
    const second = decideNextTurn([...input, call("c1", "…"), output("c1", exited(0))]);
    expect(second).toEqual({ type: "message", text: "Done. Created `docs/hello.md`." });
  });

  it("runs the instructions one call at a time, in order, and reports non-zero exit codes", () => {
    const task = user("## Task\n- append more to notes.txt\n- run: npm test\n- delete file old.txt\n- answer: all set");
    const input: InputItem[] = [...preamble, task];
    const cmds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const turn = decideNextTurn(input);
      if (turn.type === "message") {
        expect(turn.text).toBe("Done. Appended to `notes.txt`. Ran `npm test` (exit code 1). Deleted `old.txt`.\n\nall set");
        break;
      }
      cmds.push(String(turn.args.cmd));
      input.push(call(`c${i}`, String(turn.args.cmd)), output(`c${i}`, exited(String(turn.args.cmd) === "npm test" ? 1 : 0)));
    }
    expect(cmds).toEqual(["cat >> notes.txt <<'EOF'\nmore\nEOF", "npm test", "rm old.txt"]);
  });

  it("polls a command that is still running with write_stdin, without starting the next step", () => {
    const input = [...preamble, user("sleep 60\nrun: echo after"), call("c1", "sleep 60"), output("c1", "Chunk ID: 1\nWall time: 30.0 seconds\nProcess running with session ID 7\nOutput:\n")];
    expect(decideNextTurn(input)).toEqual({ type: "call", name: "write_stdin", args: { session_id: 7, chars: "", yield_time_ms: 30_000 } });
    input.push(call("c2", "", "write_stdin"), output("c2", exited(0)));
    expect(decideNextTurn(input)).toMatchObject({ type: "call", name: "exec_command", args: { cmd: "echo after" } });
  });

  it("answers without any call when the task only asks a question", () => {
    expect(decideNextTurn([...preamble, user("answer: The build uses Vite.")])).toEqual({ type: "message", text: "The build uses Vite." });
  });

  it("stops at fail:, after the steps before it", () => {
    const input = [...preamble, user("run: true; fail: the tests are broken; create file x with content y")];
    const first = decideNextTurn(input);
    expect(first).toMatchObject({ type: "call", args: { cmd: "true" } });
    expect(decideNextTurn([...input, call("c1", "true"), output("c1", exited(0))])).toEqual({
      type: "message",
      text: "Ran `true`. I could not finish the task: the tests are broken",
    });
  });

  it("refuses paths outside the workspace", () => {
    expect(decideNextTurn([...preamble, user("create file ../evil with content x")])).toEqual({
      type: "message",
      text: "I could not finish the task: I will not touch `../evil`: '..' is not allowed.",
    });
    expect(planFor("delete file .git/config").stop).toContain(".git");
  });

  it("says so when it understands nothing", () => {
    expect(decideNextTurn([...preamble, user("Please make the app faster")])).toEqual({ type: "message", text: NO_INSTRUCTION_MESSAGE });
  });

  it("picks a heredoc delimiter that no content line equals", () => {
    const plan = planFor("create file a.sh with content x\\nEOF\\ny");
    expect(plan.steps[0]?.cmd).toBe("cat > a.sh <<'EOF_1'\nx\nEOF\ny\nEOF_1");
  });

  it("writes content with $ or backticks as one single-quoted printf argument (Gemini CLI blocks them elsewhere)", () => {
    const plan = planFor("create file src/f.js with content const f = (n) => `Bye, ${n}!` // it's");
    expect(plan.steps[0]?.cmd).toBe("mkdir -p src && printf '%s\\n' 'const f = (n) => `Bye, ${n}!` // it'\\''s' > src/f.js");
  });
});
