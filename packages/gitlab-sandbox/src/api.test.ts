// REST behaviour beyond shapes: pagination headers, GitLab's error bodies and status codes,
// visibility, filters, effective membership, permissions and merge request rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { apiClient, arr, obj } from "./test-support";

let sandbox: Sandbox;
let owner: ReturnType<typeof apiClient>;
let dev: ReturnType<typeof apiClient>;
let outsider: ReturnType<typeof apiClient>;
let anon: ReturnType<typeof apiClient>;

beforeAll(async () => {
  sandbox = await startSandbox();
  const seed = await sandbox.seed({
    users: ["olga", "dev", "out"].map((u) => ({ username: u, personal_access_tokens: [{ name: "t", scopes: ["api"] }] })),
    groups: [
      { path: "corp", tier: "premium", members: [{ username: "olga", access_level: 50 }, { username: "dev", access_level: 30 }] },
      { path: "platform", parent: "corp", members: [] },
      { path: "other", members: [{ username: "out", access_level: 50 }] },
    ],
    projects: [
      { namespace: "corp/platform", path: "api", files: { "main.go": "package main\n\nfunc main() {}\n" }, labels: ["bug", "feature"], issues: [
        { title: "Alpha bug", labels: ["bug"], author: "dev" }, { title: "Beta feature", labels: ["feature"], author: "olga" }, { title: "Gamma", author: "olga", confidential: true },
      ] },
      ...Array.from({ length: 45 }, (_, i) => ({ namespace: "olga", path: `p${String(i).padStart(2, "0")}` })),
      { namespace: "out", path: "public-thing", visibility: "public" as const },
    ],
  });
  const tok = (i: number): string => seed.users[i]!.personal_access_tokens[0]!.token;
  owner = apiClient(sandbox.url, tok(0));
  dev = apiClient(sandbox.url, tok(1));
  outsider = apiClient(sandbox.url, tok(2));
  anon = apiClient(sandbox.url, null);
  await sandbox.commitFiles("corp/platform/api", { branch: "feat", startBranch: "main", files: { "main.go": "package main\n\nfunc main() { println(1) }\n" }, author: "dev" });
});

afterAll(async () => {
  await sandbox?.close();
});

describe("pagination", () => {
  it("sets the x-* headers and a link header without rel=next on the last page", async () => {
    // owned = personal projects plus projects with (inherited) Owner access: 45 + corp/platform/api.
    const first = await owner("GET", "/projects?owned=true&per_page=20");
    expect(first.headers.get("x-total")).toBe("46");
    expect(first.headers.get("x-total-pages")).toBe("3");
    expect(first.headers.get("x-page")).toBe("1");
    expect(first.headers.get("x-per-page")).toBe("20");
    expect(first.headers.get("x-next-page")).toBe("2");
    expect(first.headers.get("x-prev-page")).toBe("");
    expect(first.headers.get("link")).toContain('rel="next"');
    const last = await owner("GET", "/projects?owned=true&per_page=20&page=3");
    expect(arr(last.body)).toHaveLength(6);
    expect(last.headers.get("link")).not.toContain('rel="next"');
    expect(last.headers.get("link")).toContain('rel="prev"');
    expect(last.headers.get("x-next-page")).toBe("");
    const capped = await owner("GET", "/projects?owned=true&per_page=1000");
    expect(capped.headers.get("x-per-page")).toBe("100");
  });

  it("supports keyset pagination on /projects", async () => {
    const page = await owner("GET", "/projects?owned=true&pagination=keyset&order_by=id&sort=asc&per_page=40");
    expect(arr(page.body)).toHaveLength(40);
    const next = /<([^>]+)>; rel="next"/.exec(page.headers.get("link") ?? "")?.[1] ?? "";
    expect(next).toContain("id_after=");
    const rest = await owner("GET", next.replace(`${sandbox.url}/api/v4`, ""));
    expect(arr(rest.body)).toHaveLength(6);
    expect(rest.headers.get("link")).toBeNull();
  });
});

describe("errors and visibility", () => {
  it("uses GitLab's bodies", async () => {
    expect(await outsider("GET", "/projects/corp%2Fplatform%2Fapi")).toMatchObject({ status: 404, body: { message: "404 Project Not Found" } });
    expect(await owner("GET", "/no/such/thing")).toMatchObject({ status: 404, body: { error: "404 Not Found" } });
    expect(await owner("POST", "/projects/corp%2Fplatform%2Fapi/issues", {})).toMatchObject({ status: 400, body: { error: "title is missing" } });
    expect(await owner("GET", "/projects/corp%2Fplatform%2Fapi/issues/999")).toMatchObject({ status: 404, body: { message: "404 Not found" } });
    expect(await apiClient(sandbox.url, "glpat-unknown")("GET", "/user")).toMatchObject({ status: 401, body: { message: "401 Unauthorized" } });
    expect(await anon("GET", "/user")).toMatchObject({ status: 401, body: { message: "401 Unauthorized" } });
    expect(await owner("DELETE", "/user")).toMatchObject({ status: 405 });
    expect(await anon("GET", "/projects/out%2Fpublic-thing")).toMatchObject({ status: 200 });
  });

  it("hides confidential issues from users below Planner", async () => {
    const forDev = arr((await dev("GET", "/projects/corp%2Fplatform%2Fapi/issues")).body).map((i) => obj(i).title);
    expect(forDev).toContain("Gamma"); // Developer is above Planner
    const pub = arr((await outsider("GET", "/projects/out%2Fpublic-thing/issues")).body);
    expect(pub).toEqual([]);
  });
});

describe("projects and groups", () => {
  it("filters /projects by membership, access level, search and order", async () => {
    const devProjects = arr((await dev("GET", "/projects?membership=true")).body).map((p) => obj(p).path_with_namespace);
    expect(devProjects).toEqual(["corp/platform/api"]);
    expect(arr((await dev("GET", "/projects?min_access_level=40")).body)).toEqual([]);
    const search = arr((await owner("GET", "/projects?search=P0&order_by=name&sort=asc&simple=true")).body).map((p) => obj(p).name);
    expect(search.slice(0, 3)).toEqual(["p00", "p01", "p02"]);
    const ns = arr((await owner("GET", "/projects?search=corp&search_namespaces=true")).body).map((p) => obj(obj(p).namespace).kind);
    expect(ns).toEqual(["group"]);
    const mine = obj(arr((await owner("GET", "/projects?search=p44")).body)[0]);
    expect(obj(mine.namespace).kind).toBe("user");
    expect(obj(mine.permissions).project_access).toEqual({ access_level: 50, notification_level: 3 });
  });

  it("answers effective (inherited) membership and 404 for non-members", async () => {
    const m = await owner("GET", "/projects/corp%2Fplatform%2Fapi/members/all/2");
    expect(obj(m.body).access_level).toBe(30);
    expect((await owner("GET", "/projects/corp%2Fplatform%2Fapi/members/all/3")).status).toBe(404);
    expect(obj((await owner("GET", "/groups/corp%2Fplatform/members/all/1")).body).access_level).toBe(50);
  });

  it("filters /groups and lists group projects with subgroups", async () => {
    const all = arr((await owner("GET", "/groups")).body).map((g) => obj(g).full_path);
    expect(all).toEqual(["corp", "corp/platform"]);
    expect(arr((await owner("GET", "/groups?top_level_only=true")).body).map((g) => obj(g).full_path)).toEqual(["corp"]);
    expect(arr((await dev("GET", "/groups?min_access_level=50")).body)).toEqual([]);
    expect(arr((await owner("GET", "/groups?search=plat")).body).map((g) => obj(g).full_path)).toEqual(["corp/platform"]);
    expect(arr((await owner("GET", "/groups/corp/projects")).body)).toEqual([]);
    expect(arr((await owner("GET", "/groups/corp/projects?include_subgroups=true")).body).map((p) => obj(p).path)).toEqual(["api"]);
    expect((await outsider("GET", "/groups/corp")).status).toBe(404);
  });
});

describe("hooks permissions", () => {
  it("requires Maintainer for project hooks and Owner for group hooks", async () => {
    expect((await dev("GET", "/projects/corp%2Fplatform%2Fapi/hooks")).status).toBe(403);
    expect((await dev("POST", "/groups/corp/hooks", { url: "http://example.com" })).status).toBe(403);
    expect(await owner("POST", "/projects/corp%2Fplatform%2Fapi/hooks", {})).toMatchObject({ status: 400, body: { error: "url is missing" } });
    expect(await owner("POST", "/projects/corp%2Fplatform%2Fapi/hooks", { url: "not a url" })).toMatchObject({ status: 422, body: { message: "Invalid url given" } });
    const hook = obj((await owner("POST", "/projects/corp%2Fplatform%2Fapi/hooks", { url: "http://example.com/a", note_events: true })).body);
    const edited = await owner("PUT", `/projects/corp%2Fplatform%2Fapi/hooks/${String(hook.id)}`, { url: "http://example.com/b", issues_events: true });
    expect(obj(edited.body)).toMatchObject({ url: "http://example.com/b", issues_events: true, note_events: true });
    expect((await owner("DELETE", `/projects/corp%2Fplatform%2Fapi/hooks/${String(hook.id)}`)).status).toBe(204);
    expect((await owner("GET", `/projects/corp%2Fplatform%2Fapi/hooks/${String(hook.id)}`)).status).toBe(404);
  });
});

describe("issues", () => {
  it("lists with state, labels and search filters", async () => {
    const titles = async (q: string): Promise<unknown[]> => arr((await owner("GET", `/projects/corp%2Fplatform%2Fapi/issues?${q}`)).body).map((i) => obj(i).title);
    expect(await titles("labels=bug")).toEqual(["Alpha bug"]);
    expect(await titles("search=beta")).toEqual(["Beta feature"]);
    expect(await titles("labels=None&order_by=created_at&sort=asc")).toEqual(["Gamma"]);
  });

  it("edits labels (add, remove, replace), closes, and writes system notes", async () => {
    const base = "/projects/corp%2Fplatform%2Fapi/issues/2";
    expect(obj((await owner("PUT", base, { add_labels: "bug" })).body).labels).toEqual(["feature", "bug"]);
    expect(obj((await owner("PUT", base, { remove_labels: "feature" })).body).labels).toEqual(["bug"]);
    expect(obj((await owner("PUT", base, { labels: "x,y" })).body).labels).toEqual(["x", "y"]);
    const closed = obj((await owner("PUT", base, { state_event: "close" })).body);
    expect(closed.state).toBe("closed");
    expect(closed.closed_at).toBeTypeOf("string");
    const notes = arr((await owner("GET", `${base}/notes?sort=asc`)).body).map(obj);
    expect(notes.every((n) => n.system === true)).toBe(true);
    expect(notes.map((n) => n.body).at(-1)).toBe("closed");
    expect((await outsider("PUT", base, { title: "hijack" })).status).toBe(404);
  });
});

describe("merge requests", () => {
  const p = "/projects/corp%2Fplatform%2Fapi";

  it("validates branches, refuses duplicates with 409 and lists by branch and state", async () => {
    expect(await dev("POST", `${p}/merge_requests`, { source_branch: "nope", target_branch: "main", title: "x" })).toMatchObject({ status: 422, body: { message: ['Source branch "nope" does not exist'] } });
    expect(await dev("POST", `${p}/merge_requests`, { target_branch: "main" })).toMatchObject({ status: 400, body: { error: "source_branch is missing, title is missing" } });
    const mr = obj((await dev("POST", `${p}/merge_requests`, { source_branch: "feat", target_branch: "main", title: "Print one" })).body);
    expect(await dev("POST", `${p}/merge_requests`, { source_branch: "feat", target_branch: "main", title: "dup" })).toMatchObject({
      status: 409, body: { message: [`Another open merge request already exists for this source branch: !${String(mr.iid)}`] },
    });
    expect(arr((await dev("GET", `${p}/merge_requests?source_branch=feat&state=opened`)).body)).toHaveLength(1);
    expect(arr((await dev("GET", `${p}/merge_requests?state=merged`)).body)).toHaveLength(0);
    const changes = obj((await dev("GET", `${p}/merge_requests/${String(mr.iid)}/changes`)).body);
    expect(arr(changes.changes).map((c) => obj(c).new_path)).toEqual(["main.go"]);
    expect(String(obj(arr(changes.changes)[0]).diff)).toMatch(/^@@/);
  });

  it("creates inline DiffNotes on diff lines only, resolves threads and awards emoji on MR notes", async () => {
    const listed = obj(arr((await dev("GET", `${p}/merge_requests?source_branch=feat`)).body)[0]);
    const mr = obj((await dev("GET", `${p}/merge_requests/${String(listed.iid)}`)).body);
    const refs = obj(mr.diff_refs);
    const position = { position_type: "text", base_sha: refs.base_sha, start_sha: refs.start_sha, head_sha: refs.head_sha, new_path: "main.go", old_path: "main.go" };
    const bad = await dev("POST", `${p}/merge_requests/${String(mr.iid)}/discussions`, { body: "off diff", position: { ...position, new_line: 10 } });
    expect(bad.status).toBe(400);
    const good = obj((await dev("POST", `${p}/merge_requests/${String(mr.iid)}/discussions`, { body: "on diff", position: { ...position, new_line: 3 } })).body);
    const note = obj(arr(good.notes)[0]);
    expect(note.type).toBe("DiffNote");
    expect(obj(note.position)).toMatchObject({ new_line: 3, new_path: "main.go", position_type: "text" });
    const resolved = obj((await dev("PUT", `${p}/merge_requests/${String(mr.iid)}/discussions/${String(good.id)}`, { resolved: true })).body);
    expect(obj(arr(resolved.notes)[0]).resolved).toBe(true);
    const award = await owner("POST", `${p}/merge_requests/${String(mr.iid)}/notes/${String(note.id)}/award_emoji`, { name: "eyes" });
    expect(award.status).toBe(201);
    expect(arr((await owner("GET", `${p}/merge_requests/${String(mr.iid)}/notes/${String(note.id)}/award_emoji`)).body)).toHaveLength(1);
  });
});

describe("namespaces", () => {
  it("shows the plan of the top-level group to Owners only", async () => {
    expect(obj((await owner("GET", "/namespaces/corp%2Fplatform")).body)).toMatchObject({ kind: "group", full_path: "corp/platform", plan: "premium" });
    expect(obj((await dev("GET", "/namespaces/corp")).body)).not.toHaveProperty("plan");
    expect(await outsider("GET", "/namespaces/corp")).toMatchObject({ status: 404, body: { message: "404 Namespace Not Found" } });
    expect(obj((await owner("GET", "/namespaces/olga")).body)).toMatchObject({ kind: "user", plan: "free" });
  });
});

describe("misc", () => {
  it("describes the calling PAT and the version", async () => {
    expect(obj((await owner("GET", "/personal_access_tokens/self")).body)).toMatchObject({ name: "t", scopes: ["api"], active: true, revoked: false });
    expect(String(obj((await owner("GET", "/version")).body).version)).toMatch(/^\d+\.\d+\.\d+/);
  });
});
