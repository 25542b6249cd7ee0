import { agentEventSchema } from "../events";
import { createClaudeParser } from "./claude";
import { createCodexParser } from "./codex";
import { createGeminiParser } from "./gemini";
import { createOpencodeParser } from "./opencode";
import { createOpenhandsParser } from "./openhands";
import type { OutputFormat, OutputParser } from "./types";

export type { OutputFormat, OutputParser } from "./types";

/**
 * `jsonl` (custom commands): each line is an AgentEvent as JSON ({"kind":"message","text":"…"});
 * Codex-style lines are understood too, so a wrapper script can simply forward `codex exec --json`.
 * An `error` event does not fail the run by itself: the exit status decides.
 */
function createJsonlParser(): OutputParser {
  const codex = createCodexParser();
  return {
    parseJson(value) {
      const native = agentEventSchema.safeParse(value);
      return native.success ? [native.data] : codex.parseJson(value);
    },
    finish: () => [],
    failure: () => codex.failure(),
    summary: () => null,
  };
}

/** A parser for a JSON-lines format, or null for `text` (every line is plain output). */
export function createParser(format: OutputFormat): OutputParser | null {
  switch (format) {
    case "codex": return createCodexParser();
    case "claude": return createClaudeParser();
    case "gemini": return createGeminiParser();
    case "opencode": return createOpencodeParser();
    case "openhands": return createOpenhandsParser();
    case "jsonl": return createJsonlParser();
    case "text": return null;
  }
}
