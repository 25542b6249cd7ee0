import type { Conversation } from "@/db/schema";
import type { StoredTimelineEvent } from "./event-types";

export interface BuiltPrompt {
  prompt: string;
  /** the highest user_message seq the prompt includes: later messages need another run */
  lastUserSeq: number;
}

const FALLBACK_TASK =
  "No task was given yet. Take a quick look at the repository and reply with a short description of what it contains. Do not change any files.";

/**
 * The prompt for one run. The user's messages since the previous run form the `## Current task`
 * section, which comes last; earlier messages and the agent's earlier answers are history above it.
 * Real agents read the whole thing; the scripted agent obeys only the last "task" section, so the
 * history headings deliberately avoid the words it treats as task headings (task, request, follow-up).
 */
export function buildPrompt(conversation: Pick<Conversation, "projectPath" | "branch">, events: StoredTimelineEvent[], promptContext?: string): BuiltPrompt {
  // A run handled the messages up to its result's `upToSeq` (a message written during a run has a
  // lower seq than that run's result, yet is handled by the next run).
  let handledUpTo = 0;
  for (const { seq, event } of events) if (event.kind === "result") handledUpTo = Math.max(handledUpTo, event.upToSeq ?? seq);
  const turns: { role: "user" | "agent"; text: string }[] = [];
  const pending: string[] = [];
  let lastUserSeq = 0;
  for (const { seq, event } of events) {
    if (event.kind === "user_message") {
      lastUserSeq = Math.max(lastUserSeq, seq);
      if (seq <= handledUpTo) turns.push({ role: "user", text: event.text });
      else pending.push(event.text);
    } else if (event.kind === "result" && event.summary) {
      turns.push({ role: "agent", text: event.summary });
    }
  }
  const parts: string[] = [
    `You are working in a git clone of the GitLab repository ${conversation.projectPath} (branch ${conversation.branch}), in the current directory.`,
    "Make the changes in the working tree. Do not commit, push or create branches: the app commits your changes and pushes them for the user.",
  ];
  const context = promptContext?.trim();
  // Without a user message (a GitLab-triggered run), the context (issue, thread) is the task itself.
  if (context && pending.length > 0) parts.push(context);
  if (turns.length > 0) {
    parts.push("## Conversation so far");
    for (const t of turns) parts.push(t.role === "user" ? `### The user wrote\n\n${t.text}` : `### You answered\n\n${t.text}`);
  }
  const task = pending.length > 0 ? pending.join("\n\n") : (context || FALLBACK_TASK);
  parts.push(`## Current task\n\n${task}`);
  return { prompt: parts.join("\n\n"), lastUserSeq };
}
