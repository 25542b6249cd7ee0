import { expect, test } from "@playwright/test";
import { sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { ConversationPage } from "./pages/conversation";

const PROJECT = "demo%2Fhello-app";

/** The sandbox's REST API as the demo user (a token minted through the control API). */
async function gitlabResponse(method: string, path: string, body?: unknown): Promise<Response> {
  const mint = await fetch(`${sandboxUrl()}/-/sandbox/oauth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "demo" }) });
  const { access_token } = (await mint.json()) as { access_token: string };
  const res = await fetch(`${sandboxUrl()}/api/v4${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

const gitlab = async (method: string, path: string, body?: unknown): Promise<unknown> => (await gitlabResponse(method, path, body)).json();

type Note = { body: string; system: boolean };
const notes = async () => ((await gitlab("GET", `/projects/${PROJECT}/issues/1/notes?sort=asc&per_page=100`)) as Note[]).filter((n) => !n.system);

test("label an issue openhands: ack with a working link, an MR that closes it, and a final summary", async ({ page }) => {
  // Signing in installs the webhook on the demo user's projects (hooks.sync).
  await signInThroughGitLab(page);
  await expect.poll(async () => ((await gitlab("GET", `/projects/${PROJECT}/hooks`)) as unknown[]).length, { timeout: 30_000 }).toBe(1);

  // A person labels issue #1 ("Add a farewell function") in GitLab.
  await gitlab("PUT", `/projects/${PROJECT}/issues/1`, { add_labels: "openhands" });

  // 1. The acknowledgment comment, with a link to the conversation.
  await expect.poll(async () => (await notes()).find((n) => n.body.includes("I'm on it"))?.body ?? "", { timeout: 30_000 }).toContain("/conversations/");
  const ack = (await notes()).find((n) => n.body.includes("I'm on it"))!.body;
  const link = /\((http[^)\s]+\/conversations\/[0-9a-f-]{36})\)|(http\S+\/conversations\/[0-9a-f-]{36})/.exec(ack);
  const url = link?.[1] ?? link?.[2];
  expect(url).toBeDefined();

  // 2. The link works: it opens the live conversation, triggered by the issue.
  await page.goto(url!);
  const conversation = new ConversationPage(page);
  await expect(page.getByTestId("trigger-source-link")).toHaveText("Issue #1");
  await conversation.waitForStatus("Resolved", 45_000);

  // 3. A merge request with the change that closes the issue.
  await expect
    .poll(async () => ((await gitlab("GET", `/projects/${PROJECT}/merge_requests?state=opened`)) as { source_branch: string }[]).filter((m) => m.source_branch.startsWith("openhands/issue-1-")).length, { timeout: 30_000 })
    .toBe(1);
  const [mr] = ((await gitlab("GET", `/projects/${PROJECT}/merge_requests?state=opened`)) as { source_branch: string; description: string; web_url: string; iid: number }[]).filter((m) =>
    m.source_branch.startsWith("openhands/issue-1-"),
  );
  expect(mr?.description).toContain("Closes #1");
  const raw = await (await gitlabResponse("GET", `/projects/${PROJECT}/repository/files/src%2Ffarewell.js/raw?ref=${encodeURIComponent(mr!.source_branch)}`)).text();
  expect(raw).toContain("farewell");

  // 4. A final comment with the summary and the MR link.
  await expect.poll(async () => (await notes()).some((n) => n.body.includes(`!${mr!.iid}`) && n.body.includes(mr!.web_url)), { timeout: 30_000 }).toBe(true);

  // 5. The trigger says how the run ended: ✅ on the issue (a label trigger), and the ack's 👀 is gone.
  const awardNames = async (path: string) => ((await gitlab("GET", path)) as { name: string }[]).map((a) => a.name).join(",");
  await expect.poll(() => awardNames(`/projects/${PROJECT}/issues/1/award_emoji`), { timeout: 15_000 }).toBe("white_check_mark");

  // 6. A request that fails: ❌ on the triggering comment instead of its 👀.
  const failing = (await gitlab("POST", `/projects/${PROJECT}/issues/1/notes`, { body: "@openhands fail: the build server is down" })) as { id: number };
  await expect.poll(() => awardNames(`/projects/${PROJECT}/issues/1/notes/${failing.id}/award_emoji`), { timeout: 45_000 }).toBe("x");

  // The bot's comments, and the ✅ / ❌ on the triggers, read well on GitLab's issue page.
  await page.goto(`${sandboxUrl()}/demo/hello-app/-/issues/1`);
  await expect(page.getByTestId("issue-awards")).toContainText("✅");
  await expect(page.getByTestId(`note-awards-${failing.id}`)).toContainText("❌");
  await expect(page.getByTestId(`note-awards-${failing.id}`)).not.toContainText("👀");
  await page.screenshot({ path: "test-results/gitlab-issue-comments.png", fullPage: true });
});
