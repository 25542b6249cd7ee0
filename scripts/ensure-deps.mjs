// Shared by `npm start` and `npm test`: a fresh clone installs its dependencies on first use, so the
// README's two commands are all a newcomer types.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

export function ensureDependencies() {
  if (fs.existsSync("node_modules/.package-lock.json") && fs.existsSync("node_modules/next")) return;
  console.log("Installing dependencies (npm ci)...");
  const res = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (res.status !== 0) {
    console.error("npm ci failed; fix the error above and run the command again.");
    process.exit(res.status ?? 1);
  }
}
