import { describe, expect, it } from "vitest";
import type { WebhookInstallation } from "@/db/schema";
import type { HookResource } from "./resources";
import { toWebhookRow } from "./view";

const resource = (over: Partial<HookResource> = {}): HookResource => ({
  type: "group",
  id: 7,
  name: "Acme",
  fullPath: "acme",
  webUrl: "https://gitlab.example/groups/acme",
  accessLevel: 50,
  coveredBy: null,
  ...over,
});

const row = (over: Partial<WebhookInstallation> = {}): WebhookInstallation => ({
  id: "00000000-0000-4000-8000-000000000001",
  baseUrl: "https://gitlab.example",
  resourceType: "group",
  resourceId: 7,
  resourcePath: "acme",
  resourceName: "Acme",
  gitlabHookId: 3,
  secretHash: "h",
  status: "installed",
  error: null,
  httpStatus: null,
  alertStatus: "executable",
  disabledUntil: null,
  coveredProjects: null,
  installedBy: null,
  autoReviewBy: null,
  autoReviewAt: null,
  installedAt: new Date(0),
  failedAt: null,
  checkedAt: new Date(0),
  createdAt: new Date(0),
  updatedAt: new Date(0),
  recoveryRanAt: null,
  sweptThrough: null,
  recoveredCount: 0,
  reenabledAt: null,
  reenabledCount: 0,
  recoveryError: null,
  ...over,
});

describe("toWebhookRow", () => {
  it("no installation yet: Not Installed, manageable", () => {
    expect(toWebhookRow(resource(), null, null, [])).toMatchObject({ status: "not_installed", can_manage: true, error: null, role: "Owner" });
  });

  it("failed: GitLab's error and status code under the badge", () => {
    const r = toWebhookRow(resource(), row({ status: "failed", gitlabHookId: null, error: "GitLab rejected the request (422): Invalid url given", httpStatus: 422, failedAt: new Date(5) }), null, []);
    expect(r).toMatchObject({ status: "failed", error: "GitLab rejected the request (422): Invalid url given", http_status: 422, failed_at: new Date(5).toISOString() });
  });

  it("GitLab's temporarily disabled state is passed through for an installed hook", () => {
    const until = new Date(Date.now() + 60_000);
    const r = toWebhookRow(resource(), row({ alertStatus: "temporarily_disabled", disabledUntil: until }), null, []);
    expect(r).toMatchObject({ status: "installed", alert_status: "temporarily_disabled", disabled_until: until.toISOString() });
  });

  it("without Owner/Maintainer: a clear failure, unless someone else installed it", () => {
    const dev = resource({ accessLevel: 30 });
    expect(toWebhookRow(dev, null, null, [])).toMatchObject({
      status: "failed",
      can_manage: false,
      error: "Needs the Owner role on this group to install the webhook (you have Developer).",
    });
    expect(toWebhookRow(dev, row(), null, [])).toMatchObject({ status: "installed", can_manage: false, error: null });
    expect(toWebhookRow(resource({ type: "project", accessLevel: 20 }), null, null, []).error).toBe(
      "Needs the Maintainer or Owner role on this project to install the webhook (you have Reporter).",
    );
  });

  it("free-tier group: status and note from its project hooks", () => {
    const group = row({ gitlabHookId: null, coveredProjects: 2 });
    const child = (path: string, status: WebhookInstallation["status"], error: string | null = null) =>
      row({ resourceType: "project", resourcePath: path, status, error, gitlabHookId: status === "installed" ? 1 : null });
    const all = toWebhookRow(resource(), group, null, [child("acme/a", "installed"), child("acme/b", "installed")]);
    expect(all).toMatchObject({ status: "installed", note: "group hooks need Premium; 2 projects covered by project hooks", covered_projects: 2 });
    const missing = toWebhookRow(resource(), group, null, [child("acme/a", "installed"), child("acme/b", "not_installed")]);
    expect(missing).toMatchObject({ status: "not_installed", note: "group hooks need Premium; 1 project covered by project hooks" });
    const failed = toWebhookRow(resource(), group, null, [child("acme/a", "installed"), child("acme/b", "failed", "GitLab had a server error (500)")]);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe("group hooks need Premium; 1 project covered by project hooks; acme/b: GitLab had a server error (500)");
  });

  it("an installed hook carries what recovery did; a hook that is not installed carries nothing", () => {
    const ran = new Date("2026-12-02T10:00:00Z");
    const r = toWebhookRow(resource(), row({ recoveryRanAt: ran, recoveredCount: 5, reenabledAt: ran, reenabledCount: 1 }), null, []);
    expect(r.recovery).toEqual({ ran_at: ran.toISOString(), recovered: 5, reenabled_at: ran.toISOString(), reenabled_count: 1, error: null });
    expect(toWebhookRow(resource(), row({ status: "not_installed", recoveredCount: 5 }), null, []).recovery).toBeNull();
  });

  it("a subgroup covered by its parent's hook shows the parent's status and is not managed on its own", () => {
    const r = toWebhookRow(resource({ id: 8, fullPath: "acme/sub", name: "Sub" }), null, { path: "acme", row: row() }, []);
    expect(r).toMatchObject({ status: "installed", can_manage: false, covered_by: "acme", note: "Covered by the webhook on acme." });
  });
});
