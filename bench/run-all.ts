// `npm run bench`: every benchmark, one after another (they must not compete for the 2 cores),
// each printing one JSON line; the collected lines go to bench/results/latest.json.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const benches = ["sandbox-throughput", "picker", "ingest", "ack", "sweep", "agent-sandbox-startup"];
const only = process.argv.slice(2);
const results: Record<string, unknown> = {};

for (const name of benches) {
  if (only.length && !only.includes(name)) continue;
  const file = path.join("bench", `${name}.ts`);
  if (!fs.existsSync(file)) continue;
  console.log(`\n=== bench ${name}`);
  const res = spawnSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 10 * 60_000 });
  process.stdout.write(res.stdout);
  const last = res.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  results[name] = res.status === 0 && last ? JSON.parse(last) : { error: `exit ${res.status}` };
}

fs.mkdirSync("bench/results", { recursive: true });
fs.writeFileSync("bench/results/latest.json", JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
console.log("\nwritten bench/results/latest.json");
