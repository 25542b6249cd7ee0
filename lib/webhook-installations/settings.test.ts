import { describe, expect, it } from "vitest";
import { cronForMinutes, hookMatchesSpec, hookSpec, hookUrl, isOurHookUrl, requiredLevel } from "./settings";

describe("our hook", () => {
  it("lives at <APP_URL>/api/gitlab/webhook", () => {
    expect(hookUrl("https://agent.example.com/")).toBe("https://agent.example.com/api/gitlab/webhook");
    expect(hookUrl("https://example.com/tools/agent")).toBe("https://example.com/tools/agent/api/gitlab/webhook");
  });

  it("is recognised despite case in scheme/host and a trailing slash, not with another path or host", () => {
    const ours = "https://Agent.Example.com/api/gitlab/webhook";
    expect(isOurHookUrl("https://agent.example.com/api/gitlab/webhook/", ours)).toBe(true);
    expect(isOurHookUrl("HTTPS://AGENT.EXAMPLE.COM/api/gitlab/webhook", ours)).toBe(true);
    expect(isOurHookUrl("https://agent.example.com/api/gitlab/webhooks", ours)).toBe(false);
    expect(isOurHookUrl("https://other.example.com/api/gitlab/webhook", ours)).toBe(false);
    expect(isOurHookUrl("not a url", ours)).toBe(false);
  });

  it("asks for issues, confidential issues, notes, confidential notes and MRs only, with the secret", () => {
    const spec = hookSpec("https://a.example", "id.glhook_x");
    expect(spec.token).toBe("id.glhook_x");
    expect(spec.events).toEqual({
      issues_events: true,
      confidential_issues_events: true,
      note_events: true,
      confidential_note_events: true,
      merge_requests_events: true,
      push_events: false,
    });
  });

  it("a hook whose events or SSL setting drifted no longer matches (it gets rewritten)", () => {
    const good = { issues_events: true, confidential_issues_events: true, note_events: true, confidential_note_events: true, merge_requests_events: true, push_events: false, enable_ssl_verification: true };
    expect(hookMatchesSpec(good)).toBe(true);
    expect(hookMatchesSpec({ ...good, note_events: false })).toBe(false);
    expect(hookMatchesSpec({ ...good, push_events: true })).toBe(false);
    expect(hookMatchesSpec({ ...good, enable_ssl_verification: false })).toBe(false);
  });
});

describe("access and schedule", () => {
  it("groups need Owner (50), projects Maintainer (40)", () => {
    expect(requiredLevel("group")).toBe(50);
    expect(requiredLevel("project")).toBe(40);
  });

  it("turns HOOKS_SYNC_INTERVAL_MINUTES into cron", () => {
    expect(cronForMinutes(10)).toBe("*/10 * * * *");
    expect(cronForMinutes(1)).toBe("*/1 * * * *");
    expect(cronForMinutes(120)).toBe("0 */2 * * *");
    expect(cronForMinutes(1440)).toBe("0 0 * * *");
  });
});
