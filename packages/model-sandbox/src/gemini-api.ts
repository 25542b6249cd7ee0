// The Gemini API subset that Gemini CLI uses (checked with Gemini CLI 0.61.0, issue 15):
// `POST {GOOGLE_GEMINI_BASE_URL}/v1beta/models/{model}:streamGenerateContent?alt=sse` (server-sent
// events, one GenerateContentResponse per `data:` line) and `:generateContent` (one JSON response).
// Tool calls are `functionCall` parts; their results come back as `functionResponse` parts.
// Reference: https://ai.google.dev/api/generate-content
import { z } from "zod";
import { isAgentContext, nextShellStep, type ShellStep } from "./brain";

const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.looseObject({ name: z.string(), id: z.string().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), id: z.string().optional(), response: z.unknown().optional() }).optional(),
});
export const geminiRequestSchema = z.looseObject({
  contents: z.array(z.looseObject({ role: z.string().optional(), parts: z.array(partSchema).default([]) })),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(z.looseObject({ name: z.string() })).optional() })).optional(),
  generationConfig: z.looseObject({ responseMimeType: z.string().optional() }).optional(),
});
export type GeminiRequest = z.infer<typeof geminiRequestSchema>;
type Part = z.infer<typeof partSchema>;

/** Gemini CLI's shell tool. */
export const GEMINI_SHELL_TOOL = "run_shell_command";

/** `/v1beta/models/{model}:{method}` → its model and method. */
export function geminiRoute(path: string): { model: string; method: string } | null {
  const m = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  return m ? { model: decodeURIComponent(m[1] ?? ""), method: m[2] ?? "" } : null;
}

/** Gemini CLI puts its own context (date, OS, folder listing) in user turns before the task. */
function isGeminiContext(text: string): boolean {
  return isAgentContext(text) || text.startsWith("This is the Gemini CLI.");
}

function findTask(contents: GeminiRequest["contents"]): { index: number; text: string } | null {
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (c?.role !== "user") continue;
    const text = c.parts
      .filter((p) => p.text !== undefined && !p.thought && !isGeminiContext(p.text))
      .map((p) => p.text ?? "")
      .join("\n")
      .trim();
    if (text !== "") return { index: i, text };
  }
  return null;
}

/** The shell tool answers `{ output }` with an "Exit Code: N" line when a command fails, or `{ error }`. */
function exitCodeOf(part: Part): number {
  const text = JSON.stringify(part.functionResponse?.response ?? {});
  const m = /Exit Code: (-?\d+)/i.exec(text);
  if (m) return Number(m[1]);
  return /"error"/.test(text) ? 1 : 0;
}

export function geminiTurn(body: GeminiRequest): ShellStep {
  const task = findTask(body.contents);
  const exitCodes: (number | null)[] = [];
  for (const c of body.contents.slice((task?.index ?? body.contents.length) + 1)) {
    for (const p of c.parts) {
      if (p.functionCall?.name === GEMINI_SHELL_TOOL) exitCodes.push(null);
      if (p.functionResponse?.name === GEMINI_SHELL_TOOL && exitCodes.length > 0) exitCodes[exitCodes.length - 1] = exitCodeOf(p);
    }
  }
  const step = nextShellStep(task?.text ?? null, exitCodes);
  const hasShell = body.tools?.some((t) => t.functionDeclarations?.some((f) => f.name === GEMINI_SHELL_TOOL)) ?? false;
  return step.type === "command" && !hasShell ? { type: "message", text: task?.text.split("\n")[0] ?? "" } : step;
}

/**
 * Gemini CLI also asks for JSON answers on the side (e.g. "who speaks next?"). The sandbox says the
 * user does: the scripted turn is complete.
 */
export const GEMINI_SIDE_JSON = { reasoning: "The scripted turn is complete.", next_speaker: "user" };

/** One GenerateContentResponse carrying the turn. */
export function geminiResponse(step: ShellStep, n: number, model: string, inputChars: number, json = false): Record<string, unknown> {
  const part = json
    ? { text: JSON.stringify(GEMINI_SIDE_JSON) }
    : step.type === "command"
      ? { functionCall: { id: `call_sandbox_${n}`, name: GEMINI_SHELL_TOOL, args: { command: step.cmd, description: "Run the next scripted step" } } }
      : { text: step.text };
  const prompt = Math.ceil(inputChars / 4);
  const candidates = Math.ceil(JSON.stringify(part).length / 4);
  return {
    candidates: [{ content: { role: "model", parts: [part] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates },
    modelVersion: model,
    responseId: `resp_sandbox_${n}`,
  };
}

/** Google's error shape: https://ai.google.dev/gemini-api/docs/troubleshooting */
export const geminiErrorBody = (message: string) => ({ error: { code: 503, message, status: "UNAVAILABLE" } });
