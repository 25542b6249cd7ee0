import { expect, test } from "@playwright/test";
import { sandboxControl, sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";

const PROJECT = "demo%2Fhello-app";

/** The sandbox's REST API as the demo user (a token minted through the control API). */
async function gitlab(method: string, path: string, body?: unknown): Promise<unknown> {
  const mint = await fetch(`${sandboxUrl()}/-/sandbox/oauth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "demo" }) });
  const { access_token } = (await mint.json()) as { access_token: string };
  const res = await fetch(`${sandboxUrl()}/api/v4${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

type Discussion = { notes: { body: string; position?: { new_line: number | null; old_line: number | null } }[] };

test("@openhands review on the demo GitLab's merge request page: a summary and comments on the exact lines", async ({ page }) => {
  await signInThroughGitLab(page);
  await expect.poll(async () => ((await gitlab("GET", `/projects/${PROJECT}/hooks`)) as unknown[]).length, { timeout: 30_000 }).toBe(1);

  // A change to review: line 1 and line 2 replaced, a line added, the closing brace unchanged (old 3, new 4).
  await sandboxControl("commits", {
    project: "demo/hello-app",
    branch: "feature/review-me",
    start_branch: "main",
    files: { "src/greet.js": 'export function greet(name, punctuation = "!") {\n  if (!name) return "Hello!";\n  return `Hello, ${name}${punctuation}`;\n}\n' },
    message: "Let greet take punctuation",
    author: "demo",
  });
  const mr = (await gitlab("POST", `/projects/${PROJECT}/merge_requests`, { source_branch: "feature/review-me", target_branch: "main", title: "Let greet take punctuation" })) as { iid: number };

  // A person asks for a review in GitLab's own comment box.
  const mrPage = `${sandboxUrl()}/demo/hello-app/-/merge_requests/${mr.iid}`;
  await page.goto(mrPage);
  await page.getByLabel("Add a comment").fill(
    [
      // (the scripted test agent reads one instruction per line, and `;` would split one)
      "@openhands review",
      "review summary: The new parameter reads well, but the empty-name branch changes behaviour.",
      "finding src/greet.js:2 An empty name used to print `Hello, !` and now prints `Hello!`, a behaviour change worth a test.",
      "finding src/greet.js:2:old The old template had the punctuation hard-coded, good riddance.",
      "finding src/greet.js:4 Nit: this closing brace is unchanged, but the function now has two exits.",
      "finding README.md:3 The README should mention the new parameter.",
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Comment" }).click();

  // The review arrives: one summary note and three inline threads, checked through the API.
  const discussions = async () => (await gitlab("GET", `/projects/${PROJECT}/merge_requests/${mr.iid}/discussions?per_page=100`)) as Discussion[];
  await expect.poll(async () => (await discussions()).filter((d) => d.notes[0]?.body.includes("openhands-agent review/finding/")).length, { timeout: 60_000 }).toBe(3);
  const inline = (await discussions()).filter((d) => d.notes[0]?.body.includes("openhands-agent review/finding/")).map((d) => d.notes[0]!.position);
  expect(inline).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ new_line: 2, old_line: null }),
      expect.objectContaining({ new_line: null, old_line: 2 }),
      expect.objectContaining({ new_line: 4, old_line: 3 }),
    ]),
  );
  const summary = (await discussions()).flatMap((d) => d.notes).find((n) => n.body.includes("openhands-agent review/summary/"));
  expect(summary?.body).toContain("`README.md` line 3: The README should mention the new parameter.");

  // GitLab's MR page shows each comment right under its line.
  await page.goto(mrPage);
  const threads = page.getByTestId("inline-discussions");
  await expect(threads).toHaveCount(3);
  await expect(page.locator('[data-testid="inline-discussions"][data-new-line="2"][data-old-line=""]')).toContainText("behaviour change worth a test");
  await expect(page.locator('[data-testid="inline-discussions"][data-new-line=""][data-old-line="2"]')).toContainText("good riddance");
  await expect(page.locator('[data-testid="inline-discussions"][data-new-line="4"][data-old-line="3"]')).toContainText("two exits");
  await page.screenshot({ path: "test-results/gitlab-mr-review.png", fullPage: true });
});

test("an owner turns on automatic review on Settings › Integrations; a new merge request then gets a review", async ({ page }) => {
  await signInThroughGitLab(page);
  await page.goto("/settings/integrations");
  const toggle = page.getByTestId("auto-review-project-" + String(((await gitlab("GET", `/projects/${PROJECT}`)) as { id: number }).id));
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  // The setting is stored: it survives a reload.
  await page.reload();
  await expect(toggle).toBeChecked();

  await sandboxControl("commits", { project: "demo/hello-app", branch: "feature/auto-reviewed", start_branch: "main", files: { "CHANGELOG.md": "# Changelog\n\n- greet takes punctuation\n" }, author: "demo" });
  const mr = (await gitlab("POST", `/projects/${PROJECT}/merge_requests`, { source_branch: "feature/auto-reviewed", target_branch: "main", title: "Add a changelog" })) as { iid: number };
  const notes = async () => (await gitlab("GET", `/projects/${PROJECT}/merge_requests/${mr.iid}/notes?per_page=100`)) as { body: string }[];
  await expect.poll(async () => (await notes()).some((n) => n.body.includes("openhands-agent review/summary/")), { timeout: 60_000 }).toBe(true);
  await page.goto(`${sandboxUrl()}/demo/hello-app/-/merge_requests/${mr.iid}`);
  await expect(page.getByText("Review by OpenHands")).toBeVisible();
  await page.screenshot({ path: "test-results/gitlab-mr-auto-review.png", fullPage: true });
});
