// Resource label events (https://docs.gitlab.com/api/resource_label_events/): every label change,
// from any path, is recorded with the user who made it, and listed as GitLab documents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";

let sandbox: Sandbox;
let tokens: Record<string, string> = {};
let pid = 0;

interface LabelEventBody {
  id: number;
  user: { id: number; username: string; name: string; state: string; avatar_url: string; web_url: string };
  created_at: string;
  resource_type: string;
  resource_id: number;
  label: { id: number; name: string; color: string; description: string } | null;
  action: string;
}

const api = async (as: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sandbox.url}/api/v4${path}`, {
    method,
    headers: { "private-token": tokens[as] ?? "", ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as unknown, headers: res.headers };
};

beforeAll(async () => {
  sandbox = await startSandbox();
  const seeded = (await sandbox.seed({
    users: ["owner", "dev", "guest"].map((username) => ({ username, personal_access_tokens: [{ name: "t", scopes: ["api"] }] })),
    projects: [{ namespace: "owner", path: "p", files: { "a.txt": "a\n" }, labels: ["openhands", "bug"], members: [{ username: "dev", access_level: 30 }, { username: "guest", access_level: 10 }] }],
  })) as { users: { username: string; personal_access_tokens: { token: string }[] }[]; projects: { id: number }[] };
  tokens = Object.fromEntries(seeded.users.map((u) => [u.username, u.personal_access_tokens[0]!.token]));
  pid = seeded.projects[0]!.id;
  await sandbox.commitFiles("owner/p", { branch: "feature", startBranch: "main", files: { "a.txt": "b\n" }, author: "dev" });
});

afterAll(async () => {
  await sandbox?.close();
});

describe("resource label events", () => {
  it("lists who added and removed each label on an issue, oldest first, in GitLab's shape", async () => {
    const issue = (await api("guest", "POST", `/projects/${pid}/issues`, { title: "Mine", labels: "bug" })).body as { iid: number; id: number };
    await api("dev", "PUT", `/projects/${pid}/issues/${issue.iid}`, { add_labels: "openhands" });
    await api("dev", "PUT", `/projects/${pid}/issues/${issue.iid}`, { remove_labels: "openhands" });
    await api("guest", "PUT", `/projects/${pid}/issues/${issue.iid}`, { add_labels: "openhands" });

    const res = await api("owner", "GET", `/projects/${pid}/issues/${issue.iid}/resource_label_events`);
    expect(res.status).toBe(200);
    const events = res.body as LabelEventBody[];
    expect(events.map((e) => [e.user.username, e.action, e.label?.name])).toEqual([
      ["guest", "add", "bug"],
      ["dev", "add", "openhands"],
      ["dev", "remove", "openhands"],
      ["guest", "add", "openhands"],
    ]);
    const last = events.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(["action", "created_at", "id", "label", "resource_id", "resource_type", "user"]);
    expect(last).toMatchObject({ resource_type: "Issue", resource_id: issue.id, label: { name: "openhands", description: "" } });
    expect(last.label!.color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(Object.keys(last.user)).toEqual(expect.arrayContaining(["avatar_url", "id", "name", "state", "username", "web_url"]));
    expect(Number.isNaN(Date.parse(last.created_at))).toBe(false);
    expect(res.headers.get("x-total")).toBe("4");

    const one = await api("owner", "GET", `/projects/${pid}/issues/${issue.iid}/resource_label_events/${last.id}`);
    expect(one.body).toEqual(last);
    expect((await api("owner", "GET", `/projects/${pid}/issues/${issue.iid}/resource_label_events/999999`)).status).toBe(404);
    expect((await api("owner", "GET", `/projects/${pid}/issues/999/resource_label_events`)).status).toBe(404);
  });

  it("records merge request label changes too", async () => {
    const mr = (await api("dev", "POST", `/projects/${pid}/merge_requests`, { source_branch: "feature", target_branch: "main", title: "F", labels: "bug" })).body as { iid: number; id: number };
    await api("owner", "PUT", `/projects/${pid}/merge_requests/${mr.iid}`, { add_labels: "openhands", remove_labels: "bug" });
    const events = (await api("dev", "GET", `/projects/${pid}/merge_requests/${mr.iid}/resource_label_events`)).body as LabelEventBody[];
    expect(events.map((e) => [e.user.username, e.action, e.label?.name, e.resource_type, e.resource_id])).toEqual([
      ["dev", "add", "bug", "MergeRequest", mr.id],
      ["owner", "add", "openhands", "MergeRequest", mr.id],
      ["owner", "remove", "bug", "MergeRequest", mr.id],
    ]);
  });
});
