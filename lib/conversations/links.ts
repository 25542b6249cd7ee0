import type { Conversation } from "@/db/schema";

/**
 * Words and GitLab links for where a conversation came from and what it produced (issue 17: the
 * trigger was the raw code `ui`, and nothing linked back to GitLab). Pure, so the list, the header
 * and their tests share it. GitLab's web routes: `/<project>/-/issues/<iid>`,
 * `/<project>/-/merge_requests/<iid>`, a comment's anchor `#note_<id>`, a branch `/-/tree/<name>`.
 */
type TriggerFields = Pick<Conversation, "trigger" | "issueIid" | "mergeRequestIid" | "noteId">;

/** "Issue #3 label", "Issue #3 comment", "MR !2 comment", "API", "App". */
export function triggerWords(c: TriggerFields): string {
  switch (c.trigger) {
    case "ui":
      return "App";
    case "api":
      return "API";
    case "issue":
      return `Issue #${c.issueIid ?? "?"} ${c.noteId ? "comment" : "label"}`;
    case "merge_request":
      return `MR !${c.mergeRequestIid ?? "?"} comment`;
  }
}

const encodePath = (branch: string) => branch.split("/").map(encodeURIComponent).join("/");

export interface ConversationLinks {
  repository: string;
  /** the issue or merge request that triggered it */
  source: { label: string; url: string } | null;
  /** the triggering comment, when a comment (not a label) started it */
  comment: string | null;
  /** the branch the agent's work is on, once pushed */
  branch: { name: string; url: string } | null;
  mergeRequest: string | null;
}

export function conversationLinks(gitlabUrl: string, c: TriggerFields & Pick<Conversation, "projectPath" | "pushedBranch" | "mergeRequestUrl">): ConversationLinks {
  const project = `${gitlabUrl.replace(/\/+$/, "")}/${c.projectPath}`;
  const source =
    c.trigger === "issue" && c.issueIid
      ? { label: `Issue #${c.issueIid}`, url: `${project}/-/issues/${c.issueIid}` }
      : c.trigger === "merge_request" && c.mergeRequestIid
        ? { label: `Merge request !${c.mergeRequestIid}`, url: `${project}/-/merge_requests/${c.mergeRequestIid}` }
        : null;
  return {
    repository: project,
    source,
    comment: source && c.noteId ? `${source.url}#note_${c.noteId}` : null,
    branch: c.pushedBranch ? { name: c.pushedBranch, url: `${project}/-/tree/${encodePath(c.pushedBranch)}` } : null,
    mergeRequest: c.mergeRequestUrl,
  };
}
