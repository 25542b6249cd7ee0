import { describe, expect, it } from "vitest";
import { mentionsAgent, startsWithMention, stripLeadingMention, visibleProse } from "./mentions";

describe("startsWithMention (issue comments)", () => {
  it.each([
    ["@openhands fix the typo", true],
    ["@OpenHands please", true],
    ["  @openhands\nfix it", true],
    ["@openhands", true],
    ["@openhands, fix it", true],
    ["@openhands: fix it", true],
    ["@openhands. thanks", true],
    ["hey @openhands fix it", false],
    ["@openhandsbot fix it", false],
    ["@openhands-bot fix it", false],
    ["@openhands_x fix it", false],
    ["@openhands.dev is a domain", false],
    ["`@openhands` fix it", false],
    ["> @openhands fix it", false],
  ])("%j → %s", (text, expected) => {
    expect(startsWithMention(text)).toBe(expected);
  });

  it("strips the mention and the punctuation after it", () => {
    expect(stripLeadingMention("@openhands: create file a.txt")).toBe("create file a.txt");
    expect(stripLeadingMention("  @OpenHands\n\nplease add X")).toBe("please add X");
    expect(stripLeadingMention("@openhands")).toBe("");
  });
});

describe("mentionsAgent (MR comments)", () => {
  it.each([
    ["@openhands what does this change do?", true],
    ["Could @openhands explain this?", true],
    ["(@openhands) please", true],
    ["thanks @openhands!", true],
    ["me@openhands.dev wrote this", false],
    ["@openhands-bot is someone else", false],
    ["use `@openhands` to call the agent", false],
    ["use ``code with ` and @openhands`` here", false],
    ["> @openhands fix this\n\nI disagree", false],
    ["```\n@openhands in a log\n```\nnothing else", false],
    ["~~~js\n@openhands\n~~~", false],
    [">>>\n@openhands quoted\n>>>\nreply", false],
    ["    @openhands indented code", false],
    ["```\ncode\n```\n@openhands after the block", true],
    ["> quoted\n@openhands after the quote", true],
  ])("%j → %s", (text, expected) => {
    expect(mentionsAgent(text)).toBe(expected);
  });

  it("an unterminated fence hides the rest of the comment", () => {
    expect(visibleProse("before\n```\n@openhands")).toBe("before");
  });
});
