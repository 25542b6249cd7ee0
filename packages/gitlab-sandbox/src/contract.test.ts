// Contract tests: the sandbox answers the same requests as the official GitLab examples in
// fixtures/gitlab/ with the same keys and value types, recursively (see shape-diff.ts).
// Allowances are listed per fixture with the reason GitLab itself would differ from the example.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { shapeDiff, type ShapeDiffOptions } from "./shape-diff";
import { apiClient, arr, fixture, obj, startReceiver, type ReceivedHook, type Receiver } from "./test-support";

let sandbox: Sandbox;
let receiver: Receiver;
let alice: ReturnType<typeof apiClient>;
let bob: ReturnType<typeof apiClient>;
let projectId = 0;
const responses = new Map<string, unknown>();
const hooks = new Map<string, ReceivedHook>();

function expectShape(fixtureName: string, actual: unknown, opts: ShapeDiffOptions = {}): void {
  expect(shapeDiff(fixture(fixtureName), actual, opts), fixtureName).toEqual([]);
}

async function must(res: Promise<{ status: number; body: unknown }>, status: number): Promise<unknown> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  const seed = await sandbox.seed({
    users: [
      { username: "alice", name: "Alice Owner", public_email: "alice@example.com", pronouns: "she/her", personal_access_tokens: [{ name: "contract", scopes: ["api"] }] },
      { username: "bob", name: "Bob Developer", personal_access_tokens: [{ name: "bob", scopes: ["api"] }] },
    ],
    groups: [{ path: "acme", name: "Acme", tier: "premium", members: [{ username: "alice", access_level: 50 }, { username: "bob", access_level: 30 }] }],
    projects: [{
      namespace: "acme", path: "web", description: "Acme web shop", files: { "README.md": "# Web\n", "src/app.js": "console.log(1);\n" },
      labels: [{ title: "API", color: "#ffffff", description: "API related issues" }, { title: "Platform", color: "#123123", description: "Platform related issues" }], members: [{ username: "bob", access_level: 20 }],
    }],
  });
  alice = apiClient(sandbox.url, seed.users[0]!.personal_access_tokens[0]!.token);
  bob = apiClient(sandbox.url, seed.users[1]!.personal_access_tokens[0]!.token);
  projectId = seed.projects[0]!.id;
  await sandbox.commitFiles(projectId, { branch: "feature", startBranch: "main", files: { "src/app.js": "console.log(2);\nconsole.log(3);\n" }, message: "Change app output", author: "bob" });

  const p = `/projects/${projectId}`;
  // Hooks shaped like the documentation examples (template + custom header), listening to nothing.
  const quiet = { push_events: false, name: "Hook name", description: "Hook description", custom_webhook_template: '{"event":"{{object_kind}}"}', custom_headers: [{ key: "Authorization", value: "Bearer x" }] };
  responses.set("projectHook", await must(alice("POST", `${p}/hooks`, { url: receiver.url, ...quiet }), 201));
  responses.set("groupHook", await must(alice("POST", "/groups/acme/hooks", { url: receiver.url, ...quiet }), 201));
  // The hook whose deliveries the webhook contracts look at.
  await must(alice("POST", `${p}/hooks`, { url: receiver.url, token: "secret", push_events: false, issues_events: true, note_events: true, merge_requests_events: true, emoji_events: true }), 201);

  const issue = obj(await must(alice("POST", `${p}/issues`, { title: "Broken cart", description: "The cart total is wrong", labels: "API", assignee_ids: [2] }), 201));
  await must(alice("PUT", `${p}/issues/${String(issue.iid)}`, { add_labels: "Platform" }), 200);
  const note = obj(await must(alice("POST", `${p}/issues/${String(issue.iid)}/notes`, { body: "Looking into it" }), 201));
  responses.set("note", note);
  responses.set("award", await must(alice("POST", `${p}/issues/${String(issue.iid)}/notes/${String(note.id)}/award_emoji`, { name: "rocket" }), 201));
  responses.set("notesList", await must(alice("GET", `${p}/issues/${String(issue.iid)}/notes`), 200));

  const mr = obj(await must(alice("POST", `${p}/merge_requests`, { source_branch: "feature", target_branch: "main", title: "Change app output", description: "Prints 2 and 3", labels: "API", assignee_id: 2, reviewer_ids: [2] }), 201));
  responses.set("mr", mr);
  const thread = obj(await must(alice("POST", `${p}/merge_requests/${String(mr.iid)}/discussions`, { body: "Why 3?" }), 201));
  await must(bob("POST", `${p}/merge_requests/${String(mr.iid)}/discussions/${String(thread.id)}/notes`, { body: "Because." }), 201);
  await must(alice("POST", `${p}/merge_requests/${String(mr.iid)}/notes`, { body: "A single comment" }), 201);
  responses.set("discussions", await must(alice("GET", `${p}/merge_requests/${String(mr.iid)}/discussions`), 200));

  const waitEvent = async (key: string, predicate: (b: Record<string, unknown>) => boolean): Promise<void> => {
    hooks.set(key, await receiver.waitFor((h) => typeof h.body === "object" && h.body !== null && predicate(h.body as Record<string, unknown>)));
  };
  const attrs = (b: Record<string, unknown>): Record<string, unknown> => obj(b.object_attributes);
  await waitEvent("issueOpened", (b) => b.object_kind === "issue" && attrs(b).action === "open");
  await waitEvent("issueLabel", (b) => b.object_kind === "issue" && attrs(b).action === "update");
  await waitEvent("noteIssue", (b) => b.object_kind === "note" && attrs(b).noteable_type === "Issue");
  await waitEvent("noteMr", (b) => b.object_kind === "note" && attrs(b).noteable_type === "MergeRequest");
  await waitEvent("mrOpened", (b) => b.object_kind === "merge_request" && attrs(b).action === "open");
  await waitEvent("emoji", (b) => b.object_kind === "emoji");
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

describe("REST API shapes match the official examples", () => {
  it("user", async () => {
    expectShape("api_user.json", await must(alice("GET", "/user"), 200));
  });

  it("project (list element and single)", async () => {
    // Unset in a fresh project: no avatar, no branch-name template, no keep-regex in the cleanup policy.
    const nullable = ["avatar_url", "namespace.avatar_url", "issue_branch_template", "container_expiration_policy.name_regex_keep"];
    const list = arr(await must(alice("GET", "/projects?membership=true"), 200));
    expectShape("api_project.json", list[0], { nullable });
    expectShape("api_project.json", await must(alice("GET", `/projects/${projectId}`), 200), { nullable });
    const single = await must(bob("GET", "/projects/acme%2Fweb"), 200);
    // A group without an avatar.
    expectShape("api_project_single_permissions_excerpt.json", single, { nullable: ["namespace.avatar_url"] });
    expect(obj(obj(single).permissions)).toEqual({ project_access: { access_level: 20, notification_level: 3 }, group_access: { access_level: 30, notification_level: 3 } });
  });

  it("group", async () => {
    const nullable = ["avatar_url", "file_template_project_id"];
    expectShape("api_group.json", await must(alice("GET", "/groups/acme"), 200), { nullable });
    expectShape("api_group.json", arr(await must(alice("GET", "/groups"), 200))[0], { nullable });
  });

  it("branch", async () => {
    const branch = await must(alice("GET", `/projects/${projectId}/repository/branches/feature`), 200);
    expectShape("api_branch.json", branch);
    expectShape("api_branch.json", arr(await must(alice("GET", `/projects/${projectId}/repository/branches`), 200))[0]);
  });

  it("project hook and group hooks", async () => {
    expectShape("api_project_hook.json", responses.get("projectHook"));
    const hookId = String(obj(responses.get("projectHook")).id);
    expectShape("api_project_hook.json", await must(alice("GET", `/projects/${projectId}/hooks/${hookId}`), 200));
    expectShape("api_group_hook.json", responses.get("groupHook"));
    expectShape("api_group_hooks_list.json", await must(alice("GET", "/groups/acme/hooks"), 200));
  });

  it("member (effective, inherited)", async () => {
    const member = await must(alice("GET", `/projects/${projectId}/members/all/2`), 200);
    expectShape("api_member.json", member, { nullable: ["avatar_url"] });
    expect(obj(member).access_level).toBe(30);
  });

  it("note and notes list", () => {
    expectShape("api_note.json", responses.get("note"));
    expectShape("api_issue_notes_list.json", responses.get("notesList"));
  });

  it("discussions (thread and individual note)", () => {
    const list = arr(responses.get("discussions")).map(obj);
    const thread = list.find((d) => d.individual_note === false);
    const single = list.find((d) => d.individual_note === true);
    expectShape("api_discussion.json", thread);
    expectShape("api_discussion_individual_note.json", single);
    expect(arr(obj(thread).notes).map((n) => obj(n).type)).toEqual(["DiscussionNote", "DiscussionNote"]);
  });

  it("merge request", () => {
    // An open MR without milestone, pipeline or merge: GitLab answers null for these.
    const nullable = ["milestone", "merged_by", "merge_user", "merged_at", "merge_after", "latest_build_started_at", "latest_build_finished_at", "pipeline", "should_remove_source_branch"];
    expectShape("api_merge_request.json", responses.get("mr"), { nullable });
  });

  it("award emoji", () => {
    expectShape("api_award_emoji_note.json", responses.get("award"));
  });
});

describe("webhook bodies match the official examples", () => {
  // Project labels belong to no group (as in the note examples' "Element" label).
  const labelGroup = ["*labels[].group_id", "*labels.previous[].group_id", "*labels.current[].group_id"];
  // Only attributes that changed appear in `changes`; escalation fields exist for incidents only;
  // a new issue has no previous updated_at, no editor, no health status and no discussion lock.
  const issueOpts: ShapeDiffOptions = {
    optional: ["changes.updated_by_id", "object_attributes.escalation_status", "object_attributes.escalation_policy"],
    nullable: [...labelGroup, "changes.updated_at.previous", "object_attributes.updated_by_id", "object_attributes.health_status", "object_attributes.discussion_locked"],
  };

  it("issue opened", () => {
    const h = hooks.get("issueOpened")!;
    expectShape("issue_opened.json", h.body, issueOpts);
    expect(h.headers["x-gitlab-event"]).toBe("Issue Hook");
  });

  it("issue label change", () => {
    const h = hooks.get("issueLabel")!;
    expectShape("issue_label_added.json", h.body, issueOpts);
    const changes = obj(obj(h.body).changes);
    expect(arr(obj(changes.labels).previous).map((l) => obj(l).title)).toEqual(["API"]);
    expect(arr(obj(changes.labels).current).map((l) => obj(l).title)).toEqual(["API", "Platform"]);
  });

  it("note on an issue", () => {
    const h = hooks.get("noteIssue")!;
    expectShape("note_issue.json", h.body, { nullable: labelGroup });
    expect(h.headers["x-gitlab-event"]).toBe("Note Hook");
  });

  it("note on a merge request", () => {
    const h = hooks.get("noteMr")!;
    expectShape("note_merge_request.json", h.body, { nullable: [...labelGroup, "merge_request.milestone_id"] });
  });

  it("merge request opened", () => {
    const h = hooks.get("mrOpened")!;
    expectShape("merge_request_opened.json", h.body, {
      optional: ["changes.updated_by_id", "changes.draft", "changes.last_edited_at", "changes.last_edited_by_id"],
      nullable: [...labelGroup, "project.ci_config_path", "changes.updated_at.previous", "object_attributes.last_edited_at", "object_attributes.last_edited_by_id", "object_attributes.human_total_time_spent", "object_attributes.human_time_change", "object_attributes.human_time_estimate"],
    });
    expect(h.headers["x-gitlab-event"]).toBe("Merge Request Hook");
  });

  it("emoji award on an issue note", () => {
    const h = hooks.get("emoji")!;
    expectShape("emoji_award_on_issue_note.json", h.body);
    expect(h.headers["x-gitlab-event"]).toBe("Emoji Hook");
  });
});
