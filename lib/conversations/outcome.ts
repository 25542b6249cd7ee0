import type { ConversationOutcome, ConversationStatus } from "@/db/schema";

/**
 * What a conversation's badge, list row, summary and API say about it: while it runs, its status;
 * once it ended, how it ended. A run that finished without doing what was asked is "Not resolved",
 * never a green "finished" (issue 17), and a cancel or a time-out is not called a failure.
 */
export type Verdict = "queued" | "starting" | "running" | "resolved" | "answered" | "not_resolved" | "failed" | "cancelled" | "timed_out";

export type VerdictTone = "neutral" | "info" | "success" | "warning" | "danger" | "muted" | "brand";

export const verdictLabel: Record<Verdict, string> = {
  queued: "Queued",
  starting: "Starting",
  running: "Running",
  resolved: "Resolved",
  answered: "Answered",
  not_resolved: "Not resolved",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

export const verdictTone: Record<Verdict, VerdictTone> = {
  queued: "neutral",
  starting: "info",
  running: "info",
  resolved: "success",
  answered: "brand",
  not_resolved: "warning",
  failed: "danger",
  cancelled: "muted",
  timed_out: "danger",
};

/** The verdict of a conversation row (rows from before outcomes existed fall back on the status). */
export function conversationVerdict(status: ConversationStatus, outcome: ConversationOutcome | null): Verdict {
  if (status === "queued" || status === "starting" || status === "running") return status;
  if (status === "cancelled") return "cancelled";
  if (status === "failed") return outcome === "timed_out" ? "timed_out" : "failed";
  // finished: the agent's own verdict; an unknown one is not claimed as a success
  return outcome === "resolved" || outcome === "answered" || outcome === "not_resolved" ? outcome : "not_resolved";
}

/** One sentence for the end of a run, used where the reason is shown separately. */
export const verdictSentence: Record<Verdict, string> = {
  queued: "Waiting for a worker.",
  starting: "Starting.",
  running: "The agent is working.",
  resolved: "The agent did what was asked.",
  answered: "The agent answered without changing files.",
  not_resolved: "The agent finished without doing what was asked.",
  failed: "The run failed.",
  cancelled: "The run was cancelled.",
  timed_out: "The run timed out.",
};
