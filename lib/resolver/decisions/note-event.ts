import type { NoteHook } from "@/lib/gitlab/webhook-events";
import { isAgentComment } from "../markers";
import { mentionsAgent, startsWithMention, stripLeadingMention } from "../mentions";
import { ignore, noteTriggerKey, triggerBase, type Decision, type DiffLocation } from "../trigger-types";

function diffLocation(event: NoteHook): DiffLocation | null {
  const p = event.object_attributes.position;
  if (!p) return null;
  const path = p.new_path ?? p.old_path;
  if (!path) return null;
  return { path, line: p.new_line ?? null, oldPath: p.old_path ?? null, oldLine: p.old_line ?? null };
}

/**
 * Note Hook / Confidential Note Hook. Ignored: edits (`action: update`), system notes, anything the
 * app wrote (its marker), comments on commits and snippets. An issue comment triggers when it starts
 * with `@openhands`; an MR comment (general or inline) when it mentions `@openhands` outside code
 * and quotes. Whether the author is the app's own account is checked by the worker, which knows it.
 */
export function decideNoteEvent(event: NoteHook): Decision {
  const note = event.object_attributes;
  if (note.action && note.action !== "create") return ignore(`comment ${note.action === "update" ? "edited" : note.action}; only new comments trigger`);
  if (note.system) return ignore("system note");
  if (isAgentComment(note.note)) return ignore("comment written by the app (bot marker)");
  const discussionId = note.discussion_id ?? null;

  if (note.noteable_type === "Issue") {
    if (!event.issue) return ignore("issue comment without the issue in the payload");
    if (!startsWithMention(note.note)) return ignore("comment does not start with @openhands");
    const key = noteTriggerKey("issue_note", event.project.id, note.id);
    return {
      action: "trigger",
      trigger: {
        ...triggerBase(event.project, event.user, key),
        kind: "issue_note",
        issueIid: event.issue.iid,
        issueTitle: event.issue.title,
        noteId: note.id,
        discussionId,
        body: note.note,
        request: stripLeadingMention(note.note),
      },
    };
  }
  if (note.noteable_type === "MergeRequest") {
    const mr = event.merge_request;
    if (!mr) return ignore("merge request comment without the merge request in the payload");
    if (!mentionsAgent(note.note)) return ignore("comment does not mention @openhands");
    const key = noteTriggerKey("mr_note", event.project.id, note.id);
    return {
      action: "trigger",
      trigger: {
        ...triggerBase(event.project, event.user, key),
        kind: "mr_note",
        mergeRequestIid: mr.iid,
        mergeRequestTitle: mr.title,
        sourceBranch: mr.source_branch,
        targetBranch: mr.target_branch,
        sourceProjectId: mr.source_project_id,
        noteId: note.id,
        discussionId,
        body: note.note,
        position: diffLocation(event),
        request: stripLeadingMention(note.note),
      },
    };
  }
  return ignore(`comments on ${note.noteable_type === "Commit" ? "commits" : note.noteable_type === "Snippet" ? "snippets" : note.noteable_type} are not handled`);
}
