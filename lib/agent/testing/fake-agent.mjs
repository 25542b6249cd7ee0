#!/usr/bin/env node
// A stand-in for `codex exec --json … "<prompt>"` used by the command runtime tests: it checks its
// arguments and CODEX_HOME like Codex would, writes a file in its working directory and prints
// JSON lines in Codex's format (issue 9). The prompt picks the behaviour:
//   "write NAME CONTENT"  write NAME, run a command, answer (default: write agent.txt)
//   "fail"                print turn.failed and exit 1
//   "crash"               print to stderr and exit 3 without JSON
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const prompt = args.at(-1) ?? "";
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (args[0] !== "exec" || !args.includes("--json")) {
  process.stderr.write(`fake-agent: unexpected arguments ${JSON.stringify(args)}\n`);
  process.exit(2);
}
const configPath = join(process.env.CODEX_HOME ?? "/nonexistent", "config.toml");
const config = existsSync(configPath) ? readFileSync(configPath, "utf8") : "";

print({ type: "thread.started", thread_id: "thread-1" });
print({ type: "turn.started" });
process.stdout.write("a plain line that is not JSON\n");

if (prompt.trim() === "crash") {
  process.stderr.write("fake-agent: something went wrong\nfake-agent: giving up\n");
  process.exit(3);
}
if (prompt.trim() === "fail") {
  print({ type: "error", message: "Reconnecting... 1/5" });
  print({ type: "turn.failed", error: { message: "model endpoint returned 500" } });
  process.exit(1);
}

const [, name = "agent.txt", ...rest] = prompt.trim().split(/\s+/);
const content = `${rest.join(" ") || "written by the fake agent"}\n`;
print({ type: "item.started", item: { id: "item_0", type: "command_execution", command: `bash -lc 'cat > ${name}'`, aggregated_output: "", exit_code: null, status: "in_progress" } });
writeFileSync(join(process.cwd(), name), content);
print({ type: "item.completed", item: { id: "item_0", type: "command_execution", command: `bash -lc 'cat > ${name}'`, aggregated_output: `wrote ${name}\n`, exit_code: 0, status: "completed" } });
print({ type: "item.completed", item: { id: "item_1", type: "agent_message", text: `CODEX_HOME=${process.env.CODEX_HOME} config=${JSON.stringify(config)}` } });
print({ type: "item.completed", item: { id: "item_2", type: "agent_message", text: `Created ${name}.` } });
print({ type: "turn.completed", usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5 } });
