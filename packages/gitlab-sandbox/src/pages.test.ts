import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";
import { renderConsentPage, renderErrorPage, renderIssuePage, renderMergeRequestPage, renderProjectPage, renderSignInPage, type PageNote } from "./pages";

const alice = { username: "alice", name: "Alice <Admin>" };
const project = { name: "Proj", fullPath: "group/proj", webUrl: "http://gitlab.test/group/proj" };
const note = (id: number, body: string, extra: Partial<PageNote> = {}): PageNote => ({ id, author: alice, body, createdAt: "2024-01-01T10:00:00Z", system: false, ...extra });

describe("renderMarkdown (unified + rehype-sanitize)", () => {
  it("renders headings, emphasis, code and paragraphs with line breaks", () => {
    const html = renderMarkdown("# Title\n\nSome **bold** and *italic* with `a < b`.\nNext line\n\n### Small");
    expect(html).toBe("<h1>Title</h1>\n<p>Some <strong>bold</strong> and <em>italic</em> with <code>a &#x3C; b</code>.<br>\nNext line</p>\n<h3>Small</h3>");
  });

  it("renders fenced code blocks verbatim and escaped", () => {
    const html = renderMarkdown("```ts\nconst x = \"<b>\";\n<!-- kept in code -->\n**not bold**\n```\nafter");
    expect(html).toContain('<pre><code class="language-ts">');
    expect(html).toContain("&#x3C;!-- kept in code -->");
    expect(html).toContain("**not bold**");
    expect(html).not.toContain("<b>");
  });

  it("removes HTML comments entirely, including multi-line and unclosed ones", () => {
    expect(renderMarkdown("Hello <!-- bot:marker {\"id\":1} --> world")).toBe("<p>Hello  world</p>");
    expect(renderMarkdown("Visible\n\n<!--\nsecret: 1\nmore\n-->\n\nAlso visible")).toBe("<p>Visible</p>\n<p>Also visible</p>");
    expect(renderMarkdown("Shown\n<!-- never closed\nhidden")).toBe("<p>Shown</p>");
    expect(renderMarkdown("<!-- a -->text<!-- b -->")).not.toContain("a -->");
  });

  it("keeps only safe links, with rel=nofollow noreferrer noopener", () => {
    expect(renderMarkdown("[docs](https://docs.gitlab.com/x?a=1&b=2)")).toBe('<p><a href="https://docs.gitlab.com/x?a=1&#x26;b=2" rel="nofollow noreferrer noopener">docs</a></p>');
    expect(renderMarkdown("[issue](/group/proj/-/issues/1)")).toContain('<a href="/group/proj/-/issues/1"');
    for (const evil of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x"]) {
      const html = renderMarkdown(`[click](${evil})`);
      expect(html).not.toMatch(/href/);
      expect(html).toContain("click");
    }
    expect(renderMarkdown("see https://example.com/a_b.")).toBe('<p>see <a href="https://example.com/a_b" rel="nofollow noreferrer noopener">https://example.com/a_b</a>.</p>');
  });

  it("drops raw HTML, and renders lists, quotes, tables, task lists and refs", () => {
    const evil = renderMarkdown('text <script>alert("x")</script> <img src=x onerror=alert(1)> <a href="javascript:x">a</a>');
    expect(evil).not.toMatch(/<script|<img|onerror|javascript:/);
    expect(renderMarkdown("- one\n- **two**\n  - nested")).toBe("<ul>\n<li>one</li>\n<li><strong>two</strong>\n<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>");
    expect(renderMarkdown("> quoted\n> more")).toBe("<blockquote>\n<p>quoted<br>\nmore</p>\n</blockquote>");
    expect(renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |")).toContain("<td>1</td>");
    expect(renderMarkdown("- [x] done")).toContain('<input type="checkbox" checked disabled>');
    expect(renderMarkdown("Fixes #12 and !3")).toBe("<p>Fixes #12 and !3</p>");
    expect(renderMarkdown("snake_case_name and \\*literal\\*")).toBe("<p>snake_case_name and *literal*</p>");
  });
});

describe("pages", () => {
  it("sign-in page carries the OAuth parameters in hidden fields and escapes them", () => {
    const html = renderSignInPage({ action: "/users/sign_in?x=1&y=2", hidden: { client_id: "abc", redirect_uri: 'http://app/cb?"><script>', state: "s1" }, error: "Invalid login or password.", username: "bob" });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<form method="post" action="/users/sign_in?x=1&amp;y=2"');
    expect(html).toContain('<input type="hidden" name="client_id" value="abc">');
    expect(html).toContain('<input type="hidden" name="redirect_uri" value="http://app/cb?&quot;&gt;&lt;script&gt;">');
    expect(html).toContain('<input type="hidden" name="state" value="s1">');
    expect(html).toContain("Username or primary email");
    expect(html).toContain('name="username"');
    expect(html).toContain('value="bob"');
    expect(html).toContain('type="password" id="user_password" name="password"');
    expect(html).toContain(">Sign in</button>");
    expect(html).toContain("Invalid login or password.");
    expect(html).toContain("GitLab Sandbox");
  });

  it("consent page lists scopes and offers allow/deny", () => {
    const html = renderConsentPage({ action: "/oauth/authorize", hidden: { client_id: "c" }, appName: "Agent <App>", scopes: ["api", "read_user"], user: alice });
    expect(html).toContain("Authorize Agent &lt;App&gt; to use your account?");
    expect(html).toContain('name="decision" value="allow"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).toContain("<strong>api</strong>");
    expect(html).toContain("<strong>read_user</strong>");
  });

  it("escapes a <script> title everywhere", () => {
    const title = "<script>alert(1)</script>";
    const issueHtml = renderIssuePage({ user: alice, project, issue: { iid: 1, title, description: title, state: "opened", labels: ["bug"], author: alice, confidential: false }, discussions: [], labelToggles: [], commentAction: "/c", labelAction: "/l", signInUrl: "/s" });
    const projectHtml = renderProjectPage({ user: null, project: { ...project, description: "", defaultBranch: "main" }, branches: ["main"], issues: [{ iid: 1, title, state: "opened", labels: [title], url: "/i/1" }], mergeRequests: [{ iid: 2, title, state: "opened", sourceBranch: "f", targetBranch: "main", url: "/m/2" }] });
    for (const html of [issueHtml, projectHtml, renderErrorPage(404, title)]) {
      expect(html).not.toContain("<script>");
      expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    expect(issueHtml).toContain("Alice &lt;Admin&gt;");
  });

  it("issue page shows threads, label toggles and the comment form for a signed-in user", () => {
    const discussions = [{ id: "d1", notes: [note(1, "First **comment**"), note(2, "A reply")] }, { id: "d2", notes: [note(3, "added ~bug label", { system: true })] }];
    const html = renderIssuePage({ user: alice, project, issue: { iid: 7, title: "Bug", description: "Desc <!-- bot:hidden -->", state: "opened", labels: ["bug"], author: alice, confidential: true }, discussions, labelToggles: [{ label: "bug", present: true }, { label: "needs review", present: false }], commentAction: "/group/proj/-/issues/7/notes", labelAction: "/group/proj/-/issues/7/labels", signInUrl: "/users/sign_in" });
    expect(html).toContain('data-testid="note-1"');
    expect(html).toContain("<strong>comment</strong>");
    expect(html).toMatch(/data-testid="discussion-d1">[\s\S]*note-1[\s\S]*note-2[\s\S]*<\/div><\/div>/);
    expect(html).toContain('data-testid="note-3"');
    expect(html).not.toContain("bot:hidden");
    expect(html).toMatch(/data-testid="label-toggle-bug"[\s\S]*?name="label" value="bug"[\s\S]*?name="op" value="remove"/);
    expect(html).toMatch(/data-testid="label-toggle-needs review"[\s\S]*?name="op" value="add"/);
    expect(html).toContain('action="/group/proj/-/issues/7/labels"');
    expect(html).toMatch(/data-testid="comment-form"[\s\S]*?<textarea[^>]*name="body"[\s\S]*?>Comment<\/button>/);
    expect(html).toContain('<form method="post" action="/group/proj/-/issues/7/notes"');
    expect(html).toContain("confidential");
  });

  it("issue page asks anonymous visitors to sign in instead of showing forms", () => {
    const html = renderIssuePage({ user: null, project, issue: { iid: 7, title: "Bug", description: "", state: "opened", labels: [], author: alice, confidential: false }, discussions: [], labelToggles: [{ label: "bug", present: false }], commentAction: "/c", labelAction: "/l", signInUrl: "/users/sign_in?redirect=/x" });
    expect(html).toContain('<a href="/users/sign_in?redirect=/x">Sign in to comment</a>');
    expect(html).not.toContain("<form");
  });

  it("merge request page shows the diff in <pre> and inline note positions", () => {
    const html = renderMergeRequestPage({
      user: alice, project,
      mergeRequest: { iid: 3, title: "Add feature", description: "Closes #1", state: "opened", sourceBranch: "feature", targetBranch: "main", author: alice, webUrl: "http://gitlab.test/group/proj/-/merge_requests/3", labels: ["openhands"] },
      discussions: [{ id: "d9", notes: [note(10, "Rename this", { position: { newPath: "src/app.ts", newLine: 4 } }), note(11, "Done")] }],
      changes: [{ path: "src/app.ts", diff: "@@ -1 +1 @@\n-const a = 1;\n+const a = \"<2>\";\n" }],
      labelToggles: [{ label: "openhands", present: true }], commentAction: "/c", labelAction: "/l", signInUrl: "/s",
    });
    expect(html).toContain('<pre class="diff"><span class="hunk">@@ -1 +1 @@</span><span class="del">-const a = 1;</span><span class="add">+const a = &quot;&lt;2&gt;&quot;;</span>');
    expect(html).toContain("src/app.ts:4");
    expect(html).toContain('data-testid="note-11"');
    expect(html).toContain("<code>feature</code> into <code>main</code>");
    expect(html).toContain('data-testid="comment-form"');
    expect(html).toContain("Remove ~openhands");
  });

  it("merge request page shows inline threads right under their line: added, removed, unchanged and renamed", () => {
    const at = (id: number, position: { newPath: string; newLine: number | null; oldPath: string; oldLine: number | null }) => ({ id: `d${id}`, notes: [note(id, `on ${id}`, { position })] });
    const html = renderMergeRequestPage({
      user: alice, project,
      mergeRequest: { iid: 3, title: "T", description: "", state: "opened", sourceBranch: "f", targetBranch: "main", author: alice, webUrl: "http://gitlab.test/g/p/-/merge_requests/3", labels: [] },
      discussions: [
        at(21, { newPath: "a.ts", newLine: 2, oldPath: "a.ts", oldLine: null }),
        at(22, { newPath: "a.ts", newLine: null, oldPath: "a.ts", oldLine: 2 }),
        at(23, { newPath: "a.ts", newLine: 3, oldPath: "a.ts", oldLine: 3 }),
        at(24, { newPath: "new.txt", newLine: 1, oldPath: "old.txt", oldLine: null }),
        at(25, { newPath: "a.ts", newLine: 3, oldPath: "a.ts", oldLine: null }),
      ],
      changes: [{ path: "a.ts", oldPath: "a.ts", diff: "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n" }, { path: "new.txt", oldPath: "old.txt", diff: "@@ -1 +1 @@\n-x\n+X\n" }],
      labelToggles: [], commentAction: "/c", labelAction: null, signInUrl: "/s",
    });
    const after = (line: string) => html.slice(html.indexOf(line) + line.length).split("</pre>")[1] ?? "";
    expect(after('<span class="del">-two</span>')).toContain('data-old-line="2" data-new-line=""');
    expect(after('<span class="add">+TWO</span>')).toContain('data-testid="note-21"');
    expect(after(" three\n")).toContain('data-testid="note-23"');
    expect(after('<span class="add">+X</span>')).toContain('data-testid="note-24"');
    expect(html).toContain("old.txt → new.txt");
    expect(html).toContain("a.ts:2 (removed)");
    // A thread whose old/new numbers match no line of the diff is not placed inline.
    expect(html.match(/data-testid="note-25"/g)).toHaveLength(1);
  });

  it("error page shows status and message", () => {
    const html = renderErrorPage(404, "The page could not be found.");
    expect(html).toContain("404 · Not Found");
    expect(html).toContain("The page could not be found.");
  });
});
