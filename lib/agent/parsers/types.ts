import type { AgentEvent } from "../events";

/** How a preset's stdout is read. `text`: every line is output; the others are JSON-lines dialects. */
export type OutputFormat = "codex" | "claude" | "gemini" | "opencode" | "openhands" | "jsonl" | "text";

/**
 * Turns one agent's JSON lines into AgentEvents. One instance per run (parsers keep small state, e.g.
 * which tool ids are shell commands).
 */
export interface OutputParser {
  /** Events for one parsed JSON line; `null` when the line is not understood (the runtime shows it raw). */
  parseJson(value: unknown): AgentEvent[] | null;
  /** Events still held back at the end of the stream (e.g. message chunks being joined). */
  finish(): AgentEvent[];
  /** A failure the agent reported in its stream (e.g. Codex's turn.failed), even when it exits 0. */
  failure(): string | null;
  /** A final answer the stream states explicitly (e.g. Claude's `result`); else the last message is used. */
  summary(): string | null;
}

/** Text of a value that may be a string or a list of `{ text }` blocks (tool results are either). */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" && v !== null && "text" in v && typeof v.text === "string" ? v.text : "")).join("");
  return "";
}
