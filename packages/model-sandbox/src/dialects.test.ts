import { afterEach, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelSandbox } from "./index";

/**
 * The model sandbox's other APIs over HTTP, each with the request shape its CLI really sends (Claude
 * Code 2.1.197, Gemini CLI 0.61.0, OpenCode 1.18.33): the next instruction as that API's tool call,
 * the final message once the call has its result, and the fail and stall faults.
 */

let sandbox: ModelSandbox | null = null;
afterEach(async () => {
  await sandbox?.close();
  sandbox = null;
});

const TASK = "run: echo hi";

interface Dialect {
  name: string;
  path: (s: ModelSandbox) => string;
  headers: Record<string, string>;
  /** A request for TASK; with `result`, the shell call and its output follow the task. */
  body(result?: string): unknown;
  /** The SSE `data:` payloads of the answer → the shell command asked for, or the final text. */
  read(events: unknown[]): { command?: string; text?: string };
}

type Json = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIALECTS: Dialect[] = [
  {
    name: "Anthropic Messages (Claude Code)",
    path: (s) => `${s.url}/v1/messages?beta=true`,
    headers: { "x-api-key": "k-1", "anthropic-version": "2023-06-01" },
    body: (result) => ({
      model: "sandbox-model",
      stream: true,
      tools: [{ name: "Bash" }, { name: "Read" }],
      messages: [
        { role: "user", content: [{ type: "text", text: "<system-reminder>\ncontext\n</system-reminder>\n\n" }, { type: "text", text: TASK }] },
        ...(result === undefined
          ? []
          : [
              { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "echo hi" } }] },
              { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: result, is_error: false }] },
            ]),
      ],
    }),
    read(events) {
      const types = (events as Json[]).map((e) => e.type);
      expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
      const [, start, delta] = events as Json[];
      if (start?.content_block.type === "tool_use") {
        expect(start.content_block.name).toBe("Bash");
        return { command: (JSON.parse(delta?.delta.partial_json) as { command: string }).command };
      }
      return { text: delta?.delta.text };
    },
  },
  {
    name: "Gemini streamGenerateContent (Gemini CLI)",
    path: (s) => `${s.url}/v1beta/models/sandbox-model:streamGenerateContent?alt=sse`,
    headers: { "x-goog-api-key": "k-1" },
    body: (result) => ({
      contents: [
        { role: "user", parts: [{ text: "This is the Gemini CLI. We are setting up the context for our chat." }] },
        { role: "model", parts: [{ text: "Got it." }] },
        { role: "user", parts: [{ text: TASK }] },
        ...(result === undefined
          ? []
          : [
              { role: "model", parts: [{ functionCall: { name: "run_shell_command", args: { command: "echo hi" } } }] },
              { role: "user", parts: [{ functionResponse: { name: "run_shell_command", response: { output: result } } }] },
            ]),
      ],
      tools: [{ functionDeclarations: [{ name: "run_shell_command" }, { name: "read_file" }] }],
    }),
    read(events) {
      expect(events).toHaveLength(1);
      const part = (events[0] as Json).candidates[0].content.parts[0] as Json;
      return part.functionCall ? { command: part.functionCall.args.command } : { text: part.text };
    },
  },
  {
    name: "OpenAI Chat Completions (OpenCode)",
    path: (s) => `${s.baseUrl}/chat/completions`,
    headers: { authorization: "Bearer k-1" },
    body: (result) => ({
      model: "sandbox-model",
      stream: true,
      tools: [{ type: "function", function: { name: "bash" } }],
      messages: [
        { role: "system", content: "You are opencode." },
        { role: "user", content: TASK },
        ...(result === undefined
          ? []
          : [
              { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: "{\"command\":\"echo hi\"}" } }] },
              { role: "tool", tool_call_id: "c1", content: result },
            ]),
      ],
    }),
    read(events) {
      expect(events.at(-1)).toBe("[DONE]");
      const chunks = events.slice(0, -1) as Json[];
      const delta = chunks[0]?.choices[0].delta as Json;
      expect(chunks.at(-1)?.choices[0].finish_reason).toBe(delta.tool_calls ? "tool_calls" : "stop");
      return delta.tool_calls ? { command: JSON.parse(delta.tool_calls[0].function.arguments).command } : { text: delta.content };
    },
  },
];

function dataOf(sse: string): unknown[] {
  return sse
    .split("\n\n")
    .map((frame) => /^data: (.+)$/m.exec(frame)?.[1])
    .filter((d): d is string => d !== undefined)
    .map((d) => (d === "[DONE]" ? d : (JSON.parse(d) as unknown)));
}

async function post(d: Dialect, s: ModelSandbox, result?: string, headers = d.headers): Promise<Response> {
  return fetch(d.path(s), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(d.body(result)) });
}

describe.each(DIALECTS)("model sandbox: $name", (d) => {
  it("asks for the instruction's command, then ends with the summary once it has the output", async () => {
    sandbox = await startModelSandbox({ apiKey: "k-1" });
    const first = await post(d, sandbox);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/event-stream");
    expect(d.read(dataOf(await first.text()))).toEqual({ command: "echo hi" });
    expect(d.read(dataOf(await (await post(d, sandbox, "hi\n")).text()))).toEqual({ text: "Done. Ran `echo hi`." });
    expect(sandbox.requests().map((r) => [r.model, r.apiKey, r.status])).toEqual([["sandbox-model", "k-1", 200], ["sandbox-model", "k-1", 200]]);
  });

  it("refuses a wrong key, fails with a 503 (retry right away) in fail mode, and goes silent in stall mode", async () => {
    sandbox = await startModelSandbox({ apiKey: "k-1" });
    expect((await post(d, sandbox, undefined, {})).status).toBe(401);
    sandbox.setMode("fail");
    const failed = await post(d, sandbox);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("0");
    expect(JSON.stringify(await failed.json())).toContain("fails every request");
    sandbox.setMode("stall");
    const res = await post(d, sandbox);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the first frame arrives
    const next = reader.read().then(() => "data", () => "closed");
    expect(await Promise.race([next, new Promise((r) => setTimeout(() => r("silent"), 300))])).toBe("silent");
    await sandbox.close();
    sandbox = null;
    await next;
  });
});
