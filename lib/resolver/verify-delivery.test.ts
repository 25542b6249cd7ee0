import { describe, expect, it } from "vitest";
import { scopeRefusal } from "./verify-delivery";

describe("scopeRefusal (what the body allows before any GitLab call)", () => {
  const project = { resourceType: "project" as const, resourceId: 7, resourcePath: "acme/app" };
  const group = { resourceType: "group" as const, resourceId: 3, resourcePath: "Acme" };

  it("a project hook accepts only its own project id, whatever the path says", () => {
    expect(scopeRefusal(project, { projectId: 7, projectPath: "anything/else" })).toBeNull();
    expect(scopeRefusal(project, { projectId: 8, projectPath: "acme/app" })).toBe("project is outside this webhook's project");
  });

  it("a group hook accepts projects under the group's path (subgroups included, case-insensitive)", () => {
    expect(scopeRefusal(group, { projectId: 1, projectPath: "acme/app" })).toBeNull();
    expect(scopeRefusal(group, { projectId: 1, projectPath: "ACME/sub/deep/app" })).toBeNull();
    expect(scopeRefusal(group, { projectId: 1, projectPath: "acme-other/app" })).toBe("project is outside this webhook's group");
    expect(scopeRefusal(group, { projectId: 1, projectPath: "acme" })).toBe("project is outside this webhook's group");
    expect(scopeRefusal(group, { projectId: 1, projectPath: "zed/acme/app" })).toBe("project is outside this webhook's group");
  });
});
