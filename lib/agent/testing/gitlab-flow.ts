import { listEvents } from "@/lib/conversations/events";
import { getConversationRow } from "@/lib/conversations/testing/queries";
import { waitFor, type Harness } from "@/lib/resolver/testing/harness";

/**
 * What the end-to-end tests of a real agent CLI read from the GitLab sandbox and the app while an issue
 * is resolved: the issue's notes, its conversation, the final comment, the settled row, the timeline.
 * Shared by codex-gitlab.int.test.ts and cli-presets-gitlab.int.test.ts.
 */
export interface Note { id: number; body: string; system: boolean }

export function gitlabFlow(h: Harness, user: string, projectId: number) {
  const notes = (iid: number) => h.api<Note[]>(user, "GET", `/projects/${projectId}/issues/${iid}/notes?sort=asc&per_page=100`);
  return {
    createIssue: (title: string, description = "") => h.api<{ iid: number }>(user, "POST", `/projects/${projectId}/issues`, { title, description }),
    label: (iid: number, label: string) => h.api(user, "PUT", `/projects/${projectId}/issues/${iid}`, { add_labels: label }),
    comment: (iid: number, body: string) => h.api(user, "POST", `/projects/${projectId}/issues/${iid}/notes`, { body }),
    notes,
    conversationOf: (iid: number) => waitFor(`conversation for issue #${iid}`, () => h.conversationFor({ projectId, issueIid: iid })),
    ackOf: (iid: number, conversationId: string) => waitFor("the ack comment", async () => (await notes(iid)).find((n) => n.body.includes(`<!-- openhands-agent ack/${conversationId} -->`))),
    finalOf: (iid: number, conversationId: string) =>
      waitFor(`final comment on #${iid}`, async () => (await notes(iid)).find((n) => n.body.includes(`<!-- openhands-agent final/${conversationId}/`)), 90_000),
    settled: (conversationId: string) =>
      waitFor("the conversation to end", async () => {
        const row = await getConversationRow(h.t.handle.db, conversationId);
        return row && ["finished", "failed", "cancelled"].includes(row.status) ? row : null;
      }),
    timeline: async (conversationId: string) => (await listEvents(h.t.handle.db, conversationId, 0, 1000)).map((e) => e.event),
    openMergeRequests: (branch: string) =>
      h.api<{ web_url: string; source_branch: string }[]>(user, "GET", `/projects/${projectId}/merge_requests?state=opened&source_branch=${encodeURIComponent(branch)}`),
    rawFile: async (path: string, ref: string) => {
      const res = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${projectId}/repository/files/${encodeURIComponent(path)}/raw?ref=${encodeURIComponent(ref)}`, { headers: { "private-token": h.users[user]!.token } });
      return { status: res.status, text: await res.text() };
    },
  };
}
