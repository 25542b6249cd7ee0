import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processWorkDir, removeOrphanedWorkDirs } from "./work-dirs";

describe("work directories", () => {
  it("removes what dead processes left behind and keeps live ones", async () => {
    const root = mkdtempSync(join(tmpdir(), "work-root-"));
    const deadPid = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    expect(deadPid).toBeGreaterThan(0);
    const dead = processWorkDir(root, deadPid!);
    mkdirSync(join(dead, "workspace-abc", ".git"), { recursive: true });
    writeFileSync(join(dead, "workspace-abc", "file.txt"), "left behind");
    const mine = processWorkDir(root);
    const other = join(root, "not-a-pid");
    mkdirSync(other);

    expect(await removeOrphanedWorkDirs(root)).toBe(1);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
