import { spawnSandboxed } from "@/lib/agent/sandbox";

/**
 * A worker started with a descriptor it did not open (as a supervisor or a shell pipeline leaves
 * them, without close-on-exec): runs the script in argv[2] in the sandbox, in the checkout
 * FD_CHILD_CHECKOUT, and prints its output. Used by escape-more.int.test.ts.
 */
async function main(): Promise<void> {
  const checkout = process.env.FD_CHILD_CHECKOUT ?? "";
  let output = "";
  const proc = await spawnSandboxed(["/bin/sh", "-c", process.argv[2] ?? "true"], {
    cwd: checkout,
    checkout,
    env: { PATH: "/usr/bin:/bin", HOME: "/home/agent" },
    network: { allow: [] },
    onStdout: (c) => (output += c),
    onStderr: (c) => (output += c),
  });
  await proc.done;
  process.stdout.write(output);
}

void main();
