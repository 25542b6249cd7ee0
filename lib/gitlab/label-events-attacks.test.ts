import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@gitlab-agent/gitlab-sandbox";
import { pickLabelAdd } from "@/lib/resolver/verify-delivery";
import { issueLabelEvents } from "./label-events";
import { gitlabApiWithHeaders } from "./traced-client";

/**
 * Attack 13 on the label actor: whoever wants a run in someone else's name (or a run at all, as a
 * Reporter) hides their label change where the app does not look: on a later page of the events, in a
 * change of two labels at once, or behind a remove and re-add by someone else.
 */
let sandbox: Sandbox;
let tokens: Record<string, string> = {};
let ids: Record<string, number> = {};
let pid = 0;

const put = async (as: string, iid: number, body: Record<string, string>): Promise<void> => {
  const res = await fetch(`${sandbox.url}/api/v4/projects/${pid}/issues/${iid}`, {
    method: "PUT",
    headers: { "private-token": tokens[as] ?? "", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
};
const newIssue = async (): Promise<number> => {
  const res = await fetch(`${sandbox.url}/api/v4/projects/${pid}/issues`, {
    method: "POST",
    headers: { "private-token": tokens.owner ?? "", "content-type": "application/json" },
    body: JSON.stringify({ title: "labels" }),
  });
  return ((await res.json()) as { iid: number }).iid;
};
// What the resolver does with a label delivery: the latest event that added the trigger label.
const actor = async (iid: number) => {
  const event = pickLabelAdd(await issueLabelEvents(gitlabApiWithHeaders({ baseUrl: sandbox.url, token: tokens.owner ?? "", headers: {} }), pid, iid), null);
  return event?.user ? { gitlabUserId: event.user.id, username: event.user.username } : null;
};

beforeAll(async () => {
  sandbox = await startSandbox();
  const seeded = (await sandbox.seed({
    users: ["owner", "dev", "reporter"].map((username) => ({ username, personal_access_tokens: [{ name: "t", scopes: ["api"] }] })),
    projects: [{ namespace: "owner", path: "p", files: { "a.txt": "a\n" }, labels: ["openhands", "bug"], members: [{ username: "dev", access_level: 30 }, { username: "reporter", access_level: 20 }] }],
  })) as { users: { id: number; username: string; personal_access_tokens: { token: string }[] }[]; projects: { id: number }[] };
  tokens = Object.fromEntries(seeded.users.map((u) => [u.username, u.personal_access_tokens[0]!.token]));
  ids = Object.fromEntries(seeded.users.map((u) => [u.username, u.id]));
  pid = seeded.projects[0]!.id;
});

afterAll(async () => {
  await sandbox?.close();
});

describe("the label actor against tricks", () => {
  it("the last adder is on the second page of events (over 100 changes): found there", async () => {
    const iid = await newIssue();
    // The developer churns an unrelated label to push the events past one page of 100 ...
    for (let i = 0; i < 52; i++) await put("dev", iid, i % 2 === 0 ? { add_labels: "bug" } : { remove_labels: "bug" });
    await put("dev", iid, { add_labels: "openhands" });
    for (let i = 0; i < 50; i++) await put("dev", iid, i % 2 === 0 ? { remove_labels: "bug" } : { add_labels: "bug" });
    // ... then the Reporter removes and re-adds the trigger label: event 104 and 105, page 2.
    await put("reporter", iid, { remove_labels: "openhands" });
    await put("reporter", iid, { add_labels: "openhands" });
    expect(await actor(iid)).toMatchObject({ gitlabUserId: ids.reporter, username: "reporter" });
  });

  it("removed by one user and re-added by another: the re-adder", async () => {
    const iid = await newIssue();
    await put("dev", iid, { add_labels: "openhands" });
    await put("reporter", iid, { remove_labels: "openhands" });
    await put("owner", iid, { add_labels: "openhands" });
    expect(await actor(iid)).toMatchObject({ username: "owner" });
  });

  it("two labels added at once, then the other label re-added by a Reporter: still who added the trigger label", async () => {
    const iid = await newIssue();
    await put("dev", iid, { add_labels: "openhands,bug" });
    await put("reporter", iid, { remove_labels: "bug" });
    await put("reporter", iid, { add_labels: "bug" });
    expect(await actor(iid)).toMatchObject({ username: "dev" });
  });

  it("a label-less issue, or one whose trigger label was only removed: nobody", async () => {
    const iid = await newIssue();
    expect(await actor(iid)).toBeNull();
    await put("reporter", iid, { add_labels: "bug" });
    expect(await actor(iid)).toBeNull();
  });
});
