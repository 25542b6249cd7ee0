// Test fixture: a "worker" that starts one sandboxed agent sleeping SLEEP_MARKER seconds in CHECKOUT,
// prints "started", and waits. The test kills this process outright and checks the sandbox died too.
import { spawnSandboxed } from "@/lib/agent/sandbox";

const checkout = process.env.CHECKOUT ?? "";
const marker = process.env.SLEEP_MARKER ?? "";
const proc = await spawnSandboxed(["/bin/sh", "-c", `sleep ${marker}`], {
  cwd: checkout,
  checkout,
  env: { PATH: "/usr/bin:/bin", HOME: "/home/agent" },
  network: { allow: [] },
  onStdout: () => undefined,
  onStderr: (c) => process.stderr.write(c),
});
console.log("started");
await proc.done;
