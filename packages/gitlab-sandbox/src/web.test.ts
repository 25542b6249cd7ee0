// HTML pages: sign-in, project / issue / MR pages, and the comment and label forms, which fire the
// same webhooks as the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { obj, startReceiver, type Receiver } from "./test-support";

let sandbox: Sandbox;
let receiver: Receiver;
let cookie = "";
let bearer = "";

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  await sandbox.seed({
    users: [{ username: "mia", password: "mia-password" }],
    oauth_applications: [{ name: "x", redirect_uri: "http://localhost/cb" }],
    projects: [{ namespace: "mia", path: "site", files: { "index.html": "<h1>hi</h1>\n" }, labels: ["agent"], issues: [{ title: "<script>alert(1)</script> title", description: "Some **bold** text", author: "mia" }] }],
  });
  await sandbox.commitFiles("mia/site", { branch: "tweak", startBranch: "main", files: { "index.html": "<h1>hello</h1>\n" }, author: "mia" });
  const minted = await fetch(`${sandbox.url}/-/sandbox/oauth/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "mia" }) });
  bearer = String(obj(await minted.json()).access_token);
  const hook = await fetch(`${sandbox.url}/api/v4/projects/mia%2Fsite/hooks`, {
    method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url: receiver.url, push_events: false, issues_events: true, note_events: true }),
  });
  expect(hook.status).toBe(201);
  const res = await fetch(`${sandbox.url}/users/sign_in`, {
    method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "mia", password: "mia-password", redirect_to: "/mia/site" }).toString(),
  });
  expect(res.headers.get("location")).toBe("/mia/site");
  cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

async function page(path: string): Promise<{ status: number; html: string; location: string | null }> {
  const res = await fetch(`${sandbox.url}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function postForm(path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, { method: "POST", redirect: "manual", headers: { cookie, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
}

describe("HTML pages", () => {
  it("sends anonymous visitors of a private project to sign in", async () => {
    const res = await fetch(`${sandbox.url}/mia/site`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/users/sign_in?redirect_to=%2Fmia%2Fsite");
  });

  it("renders the project and issue pages, escaping titles and rendering markdown", async () => {
    const project = await page("/mia/site");
    expect(project.status).toBe(200);
    expect(project.html).toContain("tweak");
    const issue = await page("/mia/site/-/issues/1");
    expect(issue.html).not.toContain("<script>alert(1)</script>");
    expect(issue.html).toContain("&lt;script&gt;");
    expect(issue.html).toContain("<strong>bold</strong>");
    expect(issue.html).toContain('data-testid="comment-form"');
    expect(issue.html).toContain('data-testid="label-toggle-agent"');
  });

  it("posts a comment through the form, firing a Note Hook", async () => {
    const res = await postForm("/mia/site/-/issues/1/notes", { body: "From the **page**" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/mia\/site\/-\/issues\/1#note_\d+$/);
    const hook = await receiver.waitFor((h) => h.headers["x-gitlab-event"] === "Note Hook");
    expect(obj(obj(hook.body).object_attributes).note).toBe("From the **page**");
    expect((await page("/mia/site/-/issues/1")).html).toContain("<strong>page</strong>");
  });

  it("toggles a label through the form, firing an Issue Hook with changes.labels", async () => {
    const res = await postForm("/mia/site/-/issues/1/labels", { label: "agent", op: "add" });
    expect(res.status).toBe(302);
    const hook = await receiver.waitFor((h) => h.headers["x-gitlab-event"] === "Issue Hook");
    const labels = obj(obj(obj(hook.body).changes).labels);
    expect((labels.current as { title: string }[]).map((l) => l.title)).toEqual(["agent"]);
    expect(sandbox.store.findProject("mia/site")!.issues.get(1)!.labels).toEqual(["agent"]);
    expect((await page("/mia/site/-/issues/1")).html).toContain("added ~&quot;agent&quot; label");
    // The page's label action is recorded with the signed-in user as its actor (resource label events).
    const events = await fetch(`${sandbox.url}/api/v4/projects/mia%2Fsite/issues/1/resource_label_events`, { headers: { Authorization: `Bearer ${bearer}` } });
    const last = ((await events.json()) as { action: string; user: { username: string }; label: { name: string } }[]).at(-1);
    expect(last).toMatchObject({ action: "add", user: { username: "mia" }, label: { name: "agent" } });
  });

  it("renders a merge request page with its diff", async () => {
    const project = sandbox.store.findProject("mia/site")!;
    const mr = await fetch(`${sandbox.url}/api/v4/projects/${project.id}/merge_requests`, {
      method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
      body: JSON.stringify({ source_branch: "tweak", target_branch: "main", title: "Say hello" }),
    });
    expect(mr.status).toBe(201);
    const html = (await page("/mia/site/-/merge_requests/1")).html;
    expect(html).toContain("Say hello");
    expect(html).toContain("&lt;h1&gt;hello&lt;/h1&gt;");
    expect(html).toContain('data-testid="label-toggle-agent"');
  });

  it("adds and removes a label on a merge request through the form, firing Merge Request Hooks", async () => {
    const add = await postForm("/mia/site/-/merge_requests/1/labels", { label: "agent", op: "add" });
    expect(add.status).toBe(302);
    expect(sandbox.store.findProject("mia/site")!.mergeRequests.get(1)!.labels).toEqual(["agent"]);
    const html = (await page("/mia/site/-/merge_requests/1")).html;
    expect(html).toContain('data-testid="label-toggle-agent" data-present="true"');
    await postForm("/mia/site/-/merge_requests/1/labels", { label: "agent", op: "remove" });
    expect(sandbox.store.findProject("mia/site")!.mergeRequests.get(1)!.labels).toEqual([]);
  });

  it("lists the user's projects on the landing page", async () => {
    const home = await page("/");
    expect(home.status).toBe(200);
    expect(home.html).toContain('data-testid="project-mia/site"');
    expect(home.html).toContain("1 open issue");
  });
});
