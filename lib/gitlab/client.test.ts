import { afterEach, describe, expect, it } from "vitest";
import { getBranch, searchBranches } from "./branches";
import { gitlabApi, withGitLab } from "./client";
import { GitLabError } from "./errors";
import { getProject, searchProjects } from "./projects";
import { closedPortUrl, startStubServer, type StubRequest, type StubResponse, type StubServer } from "./testing/stub-server";

let server: StubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function stub(respond: (req: StubRequest, i: number) => StubResponse) {
  server = await startStubServer(respond);
  return { api: gitlabApi({ baseUrl: server.url, token: "tok-123" }), requests: server.requests };
}

/** Records waits instead of sleeping, so retry tests run instantly. */
function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const project = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Project ${id}`,
  path_with_namespace: `acme/project-${id}`,
  visibility: "private",
  default_branch: "main",
  web_url: `https://gitlab.example.com/acme/project-${id}`,
  last_activity_at: "2024-06-28T10:44:20.000Z",
  namespace: { id: 3, name: "Acme", path: "acme", kind: "group", full_path: "acme" },
  ...extra,
});

describe("withGitLab retries", () => {
  it("honours Retry-After on 429 and makes exactly one request per attempt (gitbeaker does not retry)", async () => {
    const { api, requests } = await stub((_, i) => (i === 0 ? { status: 429, body: "Retry later", headers: { "Retry-After": "2" } } : { status: 200, body: { id: 1, username: "ada" } }));
    const { waits, sleep } = fakeSleep();
    const user = await withGitLab(() => api.Users.showCurrentUser(), { sleep });
    expect(user).toMatchObject({ username: "ada" });
    expect(requests).toHaveLength(2);
    expect(waits).toEqual([2000]);
    expect(requests[0]?.headers.authorization).toBe("Bearer tok-123");
  });

  it("gives up at once when Retry-After exceeds the wait budget", async () => {
    const { api, requests } = await stub(() => ({ status: 429, body: "Retry later", headers: { "Retry-After": "120" } }));
    const { waits, sleep } = fakeSleep();
    const err = await withGitLab(() => api.Users.showCurrentUser(), { sleep }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 120, message: "GitLab rate limit hit; retry in 120 s" });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("stops after maxRetries rate-limited attempts", async () => {
    const { api, requests } = await stub(() => ({ status: 429, body: "Retry later", headers: { "Retry-After": "1" } }));
    const { waits, sleep } = fakeSleep();
    const err = await withGitLab(() => api.Users.showCurrentUser(), { sleep, maxRetries: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited" });
    expect(requests).toHaveLength(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it("retries a 502 on GET twice with a short backoff, then fails with server_error", async () => {
    const { api, requests } = await stub(() => ({ status: 502, body: "Bad Gateway" }));
    const { waits, sleep } = fakeSleep();
    const err = await withGitLab(() => api.Users.showCurrentUser(), { sleep }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "server_error", status: 502, method: "GET" });
    expect(requests).toHaveLength(3);
    expect(waits.every((ms) => ms < 1000)).toBe(true);
  });

  it("never repeats a POST that failed with 5xx", async () => {
    const { api, requests } = await stub(() => ({ status: 500, body: { message: "500 Internal Server Error" } }));
    const { sleep } = fakeSleep();
    const err = await withGitLab(() => api.Branches.create(1, "feature", "main"), { sleep }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "server_error", method: "POST" });
    expect(requests).toHaveLength(1);
  });

  it("does not multiply retries when query helpers are wrapped in withGitLab again", async () => {
    const { api, requests } = await stub(() => ({ status: 503, body: "down" }));
    const { sleep } = fakeSleep();
    await expect(withGitLab(() => searchProjects(api, { search: "x" }), { sleep })).rejects.toMatchObject({ kind: "server_error" });
    expect(requests).toHaveLength(3);
  });

  it("reports a GitLab that does not answer within the timeout as unreachable, naming it", async () => {
    server = await startStubServer(async () => {
      await new Promise((r) => setTimeout(r, 500));
      return { status: 200, body: {} };
    });
    const slow = gitlabApi({ baseUrl: server.url, token: "t", timeoutMs: 100 });
    const err = await withGitLab(() => slow.Users.showCurrentUser()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "unreachable", message: `GitLab did not answer in time at ${server.url}` });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a refused connection as unreachable, naming the GitLab", async () => {
    const url = await closedPortUrl();
    const err = await withGitLab(() => gitlabApi({ baseUrl: url, token: "t" }).Users.showCurrentUser()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "unreachable", message: `GitLab is unreachable at ${url}: ECONNREFUSED` });
  });

  it("lets the caller's own errors through unchanged and unretried, at any nesting level", async () => {
    class Verdict extends Error {}
    let calls = 0;
    const own = new Verdict("repository not found");
    const thrown = await withGitLab(async () => {
      calls++;
      throw own;
    }).catch((e: unknown) => e);
    expect(thrown).toBe(own);
    expect(calls).toBe(1);
    const nested = await withGitLab(() => withGitLab(async () => Promise.reject(own))).catch((e: unknown) => e);
    expect(nested).toBe(own);
  });

  it("does not retry 4xx", async () => {
    const { api, requests } = await stub(() => ({ status: 404, body: { message: "404 Project Not Found" } }));
    const err = await getProject(api, "acme/missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitLabError);
    expect(err).toMatchObject({ kind: "not_found", gitlabMessage: "404 Project Not Found" });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe("/api/v4/projects/acme%2Fmissing");
  });
});

describe("searchProjects", () => {
  it("asks for one page of the user's projects and reads x-next-page, without following Link", async () => {
    const { api, requests } = await stub(() => ({
      status: 200,
      body: [project(1), project(2, { namespace: { kind: "user", full_path: "ada" }, visibility: undefined, default_branch: null })],
      headers: { "x-next-page": "3", "x-page": "2", "x-per-page": "2", link: '<http://127.0.0.1/api/v4/projects?page=3>; rel="next"' },
    }));
    const page = await searchProjects(api, { search: "  proj ", page: 2, perPage: 2 });
    expect(requests).toHaveLength(1);
    const q = Object.fromEntries(requests[0]!.query);
    expect(requests[0]?.path).toBe("/api/v4/projects");
    expect(q).toMatchObject({ membership: "true", simple: "true", order_by: "last_activity_at", sort: "desc", search: "proj", page: "2", per_page: "2" });
    expect(q.search_namespaces).toBeUndefined();
    expect(page.nextPage).toBe(3);
    expect(page.items).toEqual([
      { id: 1, name: "Project 1", pathWithNamespace: "acme/project-1", namespaceFullPath: "acme", namespaceKind: "group", visibility: "private", defaultBranch: "main", webUrl: "https://gitlab.example.com/acme/project-1", lastActivityAt: "2024-06-28T10:44:20.000Z" },
      expect.objectContaining({ id: 2, namespaceKind: "user", namespaceFullPath: "ada", visibility: null, defaultBranch: null }),
    ]);
  });

  it("caps per_page at 100, searches namespaces for 'group/name' terms, and ends at the last page", async () => {
    const { api, requests } = await stub(() => ({ status: 200, body: [project(9), { id: "broken" }], headers: { "x-next-page": "" } }));
    const page = await searchProjects(api, { search: "acme/pro", perPage: 500 });
    const q = Object.fromEntries(requests[0]!.query);
    expect(q).toMatchObject({ per_page: "100", page: "1", search_namespaces: "true" });
    expect(page.nextPage).toBeNull();
    expect(page.items.map((p) => p.id)).toEqual([9]);
  });
});

describe("branches", () => {
  const branch = (name: string, isDefault = false) => ({ name, default: isDefault, commit: { id: `sha-${name}`, committed_date: "2024-06-28T03:44:20-07:00" } });

  it("searches one page of branches", async () => {
    const { api, requests } = await stub(() => ({ status: 200, body: [branch("feature/login"), branch("main", true)], headers: { "x-next-page": "2" } }));
    const page = await searchBranches(api, 42, { search: "feat", perPage: 2 });
    expect(requests[0]?.path).toBe("/api/v4/projects/42/repository/branches");
    expect(Object.fromEntries(requests[0]!.query)).toMatchObject({ search: "feat", page: "1", per_page: "2" });
    expect(page).toEqual({
      items: [
        { name: "feature/login", isDefault: false, commitSha: "sha-feature/login", committedDate: "2024-06-28T03:44:20-07:00" },
        { name: "main", isDefault: true, commitSha: "sha-main", committedDate: "2024-06-28T03:44:20-07:00" },
      ],
      nextPage: 2,
    });
  });

  it("gets a branch whose name has a slash", async () => {
    const { api, requests } = await stub(() => ({ status: 200, body: branch("feature/login") }));
    expect(await getBranch(api, 42, "feature/login")).toMatchObject({ name: "feature/login", isDefault: false });
    expect(requests[0]?.path).toBe("/api/v4/projects/42/repository/branches/feature%2Flogin");
  });
});
