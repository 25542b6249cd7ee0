/**
 * The "Try it" panel's data, shared by the server (lib/demo/try-it.ts) and the browser: no Node
 * imports here, this module ships to the client.
 */
export interface AgentIntro {
  kind: "scripted" | "command";
  /** "Test agent", "Codex CLI", … */
  name: string;
  placeholder: string;
}

export interface TryIt {
  /** the demo repository the examples run on */
  repository: string;
  examples: { label: string; task: string; expect: string }[];
  issue: { url: string; label: string };
}

export const TEST_AGENT_GRAMMAR = ["create file PATH with content TEXT", "append TEXT to PATH", "delete file PATH", "answer: TEXT", "fail: REASON", "sleep N"];

