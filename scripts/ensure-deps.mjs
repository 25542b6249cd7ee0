// Shared by `npm start` and `npm test`: a fresh clone installs its dependencies on first use, so the
// README's two commands are all a newcomer types.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

export function ensureDependencies() {
  // The workspace links (packages/*) are checked too: a node_modules installed before the packages
  // existed has next but not them, and the build would fail on their imports.
  const installed = ["node_modules/.package-lock.json", "node_modules/next", "node_modules/@gitlab-agent/gitlab-sandbox", "node_modules/@gitlab-agent/model-sandbox"];
  if (installed.every((p) => fs.existsSync(p))) return;
  console.log("Installing dependencies (npm ci)...");
  const res = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (res.status !== 0) {
    console.error("npm ci failed; fix the error above and run the command again.");
    process.exit(res.status ?? 1);
  }
}
