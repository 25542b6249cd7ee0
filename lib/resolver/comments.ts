import type { AgentResult } from "@/lib/agent/types";

/**
 * The words the app says on GitLab. Pure functions, so every message a user can see is unit-tested.
 * Every run ends with one of these: users of the existing product called it "brittle" because runs
 * ended in silence, so even a crash, a timeout or a refused push gets a comment saying so.
 */

const MAX_SUMMARY = 6_000;

function clip(text: string, max = MAX_SUMMARY): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const link = (url: string): string => `[the conversation](${url})`;

export function ackBody(input: { noteable: "issue" | "merge_request"; conversationUrl: string; workBranch?: string | null }): string {
  if (input.noteable === "issue") {
    const branch = input.workBranch ? ` on branch \`${input.workBranch}\`` : "";
    return `👋 I'm on it! I'm working on this issue${branch} and will open a merge request when I'm done.\n\nFollow along in ${link(input.conversationUrl)}.`;
  }
  return `👀 I'm on it. I'll reply in this thread when I'm done.\n\nFollow along in ${link(input.conversationUrl)}.`;
}

export function followUpBody(conversationUrl: string): string {
  return `👍 I'm still working on this; I've added your comment to ${link(conversationUrl)} and will take it into account.`;
}

/** Why a run ended without a usable result, in the user's terms. */
export function describeFailure(result: Pick<AgentResult, "error" | "summary" | "timedOut" | "cancelled">): string {
  if (result.timedOut) return `the run timed out${result.error ? ` (${result.error.replace(/^timed out\s*/i, "").trim() || "time limit reached"})` : ""}`;
  if (result.cancelled) return "the run was cancelled";
  return clip(result.error || result.summary || "the agent failed", 1_000);
}

export type IssueFinal =
  | { kind: "merge_request"; summary: string; mergeRequestUrl: string; mergeRequestIid: number; reused: boolean }
  | { kind: "no_changes"; outcome: "answered" | "not_resolved" | "resolved"; summary: string }
  | { kind: "failed"; reason: string; summary?: string }
  | { kind: "push_refused"; reason: string; summary: string; branch: string }
  | { kind: "mr_failed"; reason: string; summary: string; branch: string };

export function issueFinalBody(final: IssueFinal, conversationUrl: string): string {
  const footer = `\n\nDetails: ${link(conversationUrl)}.`;
  switch (final.kind) {
    case "merge_request":
      return `✅ I ${final.reused ? "updated" : "opened"} merge request !${final.mergeRequestIid} for this issue: ${final.mergeRequestUrl}\n\n${clip(final.summary)}${footer}`;
    case "no_changes":
      return final.outcome === "answered"
        ? `${clip(final.summary)}\n\nI did not change any files, so there is no merge request.${footer}`
        : `⚠️ I could not resolve this issue, so I did not open a merge request.\n\n${clip(final.summary)}${footer}`;
    case "failed":
      return `❌ I could not finish: ${final.reason}.${final.summary && final.summary !== final.reason ? `\n\n${clip(final.summary)}` : ""}${footer}`;
    case "push_refused":
      return `❌ I made changes, but GitLab refused the push to \`${final.branch}\`: ${clip(final.reason, 1_000)}\n\n${clip(final.summary)}${footer}`;
    case "mr_failed":
      return `⚠️ I pushed my changes to \`${final.branch}\`, but could not open a merge request: ${clip(final.reason, 1_000)}\n\n${clip(final.summary)}${footer}`;
  }
}

export type MergeRequestReply =
  | { kind: "answer"; summary: string }
  | { kind: "pushed"; summary: string; branch: string; sha: string }
  | { kind: "not_resolved"; summary: string }
  | { kind: "failed"; reason: string; summary?: string }
  | { kind: "push_refused"; reason: string; summary: string; branch: string }
  /** a fork MR: collaboration not allowed, or allowed but the push was refused (reason) or impossible */
  | { kind: "fork_no_push"; summary: string; allowCollaboration: boolean; branch?: string; reason?: string };

export function mergeRequestReplyBody(reply: MergeRequestReply, conversationUrl: string): string {
  const footer = `\n\nDetails: ${link(conversationUrl)}.`;
  switch (reply.kind) {
    case "answer":
      return `${clip(reply.summary)}${footer}`;
    case "pushed":
      return `✅ I pushed ${reply.sha.slice(0, 8)} to \`${reply.branch}\`.\n\n${clip(reply.summary)}${footer}`;
    case "not_resolved":
      return `⚠️ I could not do this.\n\n${clip(reply.summary)}${footer}`;
    case "failed":
      return `❌ I could not finish: ${reply.reason}.${reply.summary && reply.summary !== reply.reason ? `\n\n${clip(reply.summary)}` : ""}${footer}`;
    case "push_refused":
      return `❌ I made changes, but GitLab refused the push to \`${reply.branch}\`: ${clip(reply.reason, 1_000)}\n\n${clip(reply.summary)}${footer}`;
    case "fork_no_push":
      return reply.allowCollaboration
        ? `⚠️ I made changes, but I could not push them to \`${reply.branch ?? "the source branch"}\` of the fork this merge request comes from${reply.reason ? `: ${clip(reply.reason.replace(/[.\s]+$/, ""), 1_000)}.` : "."} Only members who can merge into the target branch may push to a fork's branch, even with "Allow commits from members who can merge to the target branch" enabled. The changes are in ${link(conversationUrl)}.\n\n${clip(reply.summary)}`
        : `⚠️ I made changes, but I cannot push them: this merge request comes from a fork that does not allow commits from members of the target project. The author can enable "Allow commits from members who can merge to the target branch" on the merge request, then ask again.\n\n${clip(reply.summary)}${footer}`;
  }
}

export type RefusalReason = { kind: "not_linked"; appUrl: string } | { kind: "reauth"; appUrl: string } | { kind: "access"; levelName: string };

export function refusalBody(username: string, reason: RefusalReason): string {
  const who = `@${username}`;
  switch (reason.kind) {
    case "not_linked":
      return `${who}, I can't work on this for you yet: your GitLab account isn't connected to the OpenHands app. Sign in with GitLab at ${reason.appUrl}, then mention @openhands again.`;
    case "reauth":
      return `${who}, I can't work on this for you: your GitLab connection to the OpenHands app has expired or was revoked. Sign in again at ${reason.appUrl} (Reconnect GitLab), then mention @openhands again.`;
    case "access":
      return `${who}, I can only work on requests from project members with the Developer role or higher, and you have ${reason.levelName} access. Ask a maintainer to change your role, or to mention @openhands for you.`;
  }
}
