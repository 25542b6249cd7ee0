import { afterEach, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelSandbox } from "./index";

let sandbox: ModelSandbox | null = null;
afterEach(async () => {
  await sandbox?.close();
  sandbox = null;
});

const body = (task: string, extra: unknown[] = []) => ({
  model: "sandbox-model",
  stream: true,
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: task }] }, ...extra],
  tools: [{ type: "function", name: "exec_command" }],
});

function post(s: ModelSandbox, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${s.baseUrl}/responses`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(payload) });
}

/** Parses an SSE body into its events, checking each frame's `event:` matches the data's type. */
function sseEvents(text: string): { type: string; [k: string]: unknown }[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const event = /^event: (.+)$/m.exec(frame)?.[1];
      const data = JSON.parse(/^data: (.+)$/m.exec(frame)?.[1] ?? "null") as { type: string };
      expect(data.type).toBe(event);
      return data;
    });
}

describe("model sandbox server", () => {
  it("streams a function_call for the next instruction, as Responses API SSE events", async () => {
    sandbox = await startModelSandbox();
    const res = await post(sandbox, body("create file a.txt with content A"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.output_item.added", "response.output_item.done", "response.completed"]);
    const done = events[2] as unknown as { item: { type: string; name: string; call_id: string; arguments: string } };
    expect(done.item).toMatchObject({ type: "function_call", name: "exec_command" });
    expect(JSON.parse(done.item.arguments)).toMatchObject({ cmd: "cat > a.txt <<'EOF'\nA\nEOF" });
    expect(events[3]).toMatchObject({ response: { status: "completed", usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } } });
  });

  it("ends with an assistant message once every call has its output", async () => {
    sandbox = await startModelSandbox();
    const extra = [
      { type: "function_call", call_id: "call_1", name: "exec_command", arguments: "{\"cmd\":\"echo hi\"}" },
      { type: "function_call_output", call_id: "call_1", output: "Process exited with code 0\nOutput:\nhi\n" },
    ];
    const events = sseEvents(await (await post(sandbox, body("run: echo hi", extra))).text());
    const done = events.find((e) => e.type === "response.output_item.done") as unknown as { item: unknown };
    expect(done.item).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: "Done. Ran `echo hi`." }] });
  });

  it("records every request, with its Authorization header and parsed body", async () => {
    sandbox = await startModelSandbox();
    await (await post(sandbox, body("answer: 42"), { authorization: "Bearer k-1" })).text();
    const [req] = sandbox.requests();
    expect(req).toMatchObject({ method: "POST", path: "/v1/responses", authorization: "Bearer k-1", status: 200 });
    expect(req?.body?.model).toBe("sandbox-model");
  });

  it("requires the API key when configured with one", async () => {
    sandbox = await startModelSandbox({ apiKey: "k-1" });
    expect((await post(sandbox, body("answer: 1"))).status).toBe(401);
    expect((await post(sandbox, body("answer: 1"), { authorization: "Bearer k-1" })).status).toBe(200);
  });

  it("fails every request with a 503 in fail mode, set directly or over HTTP", async () => {
    sandbox = await startModelSandbox();
    sandbox.setMode("fail");
    const res = await post(sandbox, body("answer: 1"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { type: "server_error" } });
    const ctl = await fetch(`${sandbox.url}/-/sandbox/mode`, { method: "POST", body: JSON.stringify({ mode: "ok" }) });
    expect(await ctl.json()).toEqual({ mode: "ok" });
    expect((await post(sandbox, body("answer: 1"))).status).toBe(200);
    const listed = (await (await fetch(`${sandbox.url}/-/sandbox/requests`)).json()) as { requests: { status: number }[] };
    expect(listed.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("starts the stream and then goes silent in stall mode; close() still returns", async () => {
    sandbox = await startModelSandbox({ mode: "stall" });
    const res = await post(sandbox, body("answer: 1"));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("response.created");
    const next = reader.read().then(() => "data", () => "closed");
    const winner = await Promise.race([next, new Promise((r) => setTimeout(() => r("silent"), 300))]);
    expect(winner).toBe("silent");
    await sandbox.close();
    sandbox = null;
    await next; // the stream ends once the sandbox is closed
  });

  it("answers 400 for a body that is not a Responses request and 404 elsewhere", async () => {
    sandbox = await startModelSandbox();
    expect((await post(sandbox, { nope: true })).status).toBe(400);
    expect((await fetch(`${sandbox.baseUrl}/chat/completions`, { method: "POST", body: "{}" })).status).toBe(400);
    expect((await fetch(`${sandbox.baseUrl}/embeddings`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
