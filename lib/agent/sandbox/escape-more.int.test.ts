import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, lstat, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "../events";
import { createScriptedRuntime } from "../scripted-runtime";
import { processesWithMarker } from "../testing/sandbox-helpers";
import { FD_CHILD } from "../testing/sandbox-fd-child-path";
import { spawnSandboxed, type SandboxExit } from ".";
import { parseAllowPattern } from "./network-policy";
import { startRunProxy } from "./proxy";
import { runGit } from "../git-process";

/**
 * More escape attempts (the issue-12 attack review), each one a real attempt from inside a real
 * sandbox, checked from outside. escape.int.test.ts covers the basics (environ, DATA_DIR, other
 * checkouts, loopback, writes outside, limits, .git hooks); this file covers the tricks: proxy host
 * spellings, abstract unix sockets, what the APP does with the checkout after the run (symlinks it
 * writes through, files it chowns), setuid files, survivors, and filling the host's disk.
 */

const NONCE = randomBytes(6).toString("hex");
let root: string;
/** A host file the agent must neither read nor change (owned by an arbitrary uid, to see a chown). */
let hostFile: string;
const HOST_FILE_UID = 4242;
const saved = new Map<string, string | undefined>();

function setEnv(name: string, value: string | undefined): void {
  if (!saved.has(name)) saved.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "escape-more-"));
  hostFile = join(root, "host-secret.txt");
  await writeFile(hostFile, `host-canary-${NONCE}\n`, { mode: 0o644 });
  await chown(hostFile, HOST_FILE_UID, HOST_FILE_UID);
  setEnv("AGENT_WORK_ROOT", join(root, "work"));
  setEnv("AGENT_SANDBOX", undefined);
  setEnv("AGENT_DISK_MB", undefined);
});

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (root) await rm(root, { recursive: true, force: true });
});

async function checkout(): Promise<string> {
  const dir = await mkdtemp(join(root, "ws-"));
  execFileSync("git", ["init", "-q", dir]);
  return dir;
}

/** Runs `script` with /bin/sh in a fresh checkout; returns its output and exit. */
async function sandboxed(script: string, opts: { allow?: string[]; diskMb?: number; memoryMb?: number; ws?: string } = {}): Promise<{ ws: string; output: string; exit: SandboxExit; ms: number }> {
  const ws = opts.ws ?? (await checkout());
  let output = "";
  const started = Date.now();
  const proc = await spawnSandboxed(["/bin/sh", "-c", script], {
    cwd: ws,
    checkout: ws,
    env: { PATH: "/usr/bin:/bin", HOME: "/home/agent" },
    network: { allow: opts.allow ?? [] },
    limits: { ...(opts.diskMb === undefined ? {} : { diskMb: opts.diskMb }), ...(opts.memoryMb === undefined ? {} : { memoryMb: opts.memoryMb }) },
    onStdout: (c) => (output += c),
    onStderr: (c) => (output += c),
  });
  const exit = await proc.done;
  return { ws, output, exit, ms: Date.now() - started };
}

function results(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of output.matchAll(/^RESULT (\S+) (\S+)/gm)) out[m[1] ?? ""] = m[2] ?? "";
  return out;
}

/** A server that counts its connections; `close` also ends the ones still open (proxies keep them alive). */
function countingServer(onConnection: (s: Socket) => void): { server: Server; close(): Promise<void> } {
  const open = new Set<Socket>();
  const server = createServer((s) => { open.add(s); s.on("close", () => open.delete(s)); onConnection(s); });
  return { server, close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); server.close(() => r()); }) };
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as { port: number }).port;
}

describe("the proxy, with every spelling of a forbidden destination", () => {
  it("lets through only the allowed host:port; other spellings of loopback and other ports are refused", async () => {
    let forbiddenHits = 0;
    let allowedHits = 0;
    const forbidden = countingServer((s) => { forbiddenHits++; s.destroy(); });
    const forbidden6 = countingServer((s) => { forbiddenHits++; s.destroy(); });
    const allowed = countingServer((s) => { allowedHits++; s.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"); });
    const abstract = countingServer((s) => { forbiddenHits++; s.destroy(); });
    const fPort = await listen(forbidden.server, "127.0.0.1");
    // The same port on the host's IPv6 loopback, when it has one.
    await new Promise<void>((r) => { forbidden6.server.once("error", () => r()); forbidden6.server.listen(fPort, "::1", r); });
    const aPort = await listen(allowed.server, "127.0.0.1");
    // An abstract unix socket on the host: the sandbox's own network namespace has its own abstract namespace.
    const abstractName = `escape-more-${NONCE}`;
    await new Promise<void>((r) => abstract.server.listen(`\0${abstractName}`, r));
    try {
      // Other spellings of the host's loopback on a port that is NOT allowed: the allow-list matches the
      // name asked for (curl and Node normalise 2130706433 or 127.1 to 127.0.0.1, which is still refused
      // there), and a non-canonical spelling of the allowed pair is refused on CONNECT (never widened).
      const spellings = [`[::1]:${fPort}`, `0.0.0.0:${fPort}`, `127.1:${fPort}`, `2130706433:${fPort}`, `0x7f000001:${fPort}`, `0177.0.0.1:${fPort}`,
        `localhost.:${fPort}`, `LOCALHOST:${fPort}`, `[::ffff:127.0.0.1]:${fPort}`, `127.0.0.1.:${fPort}`, `127.0.0.1:${fPort}`];
      const script = `
r() { echo "RESULT $1 $2"; }
i=0
for a in ${spellings.join(" ")}; do
  i=$((i+1))
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "http://$a/")
  case "$code" in 403|000) r get-$i blocked ;; *) r get-$i LEAK-$code-$a ;; esac
  line=$(printf 'CONNECT %s HTTP/1.1\\r\\nHost: %s\\r\\n\\r\\n' "$a" "$a" | socat -t2 - TCP:127.0.0.1:3128 2>/dev/null | head -1)
  case "$line" in *" 200 "*) r connect-$i LEAK-$a ;; *) r connect-$i blocked ;; esac
done
# An allowed request, then a forbidden one on the same kept-alive connection (each request is checked).
(printf 'GET http://127.0.0.1:${aPort}/ HTTP/1.1\\r\\nHost: 127.0.0.1:${aPort}\\r\\n\\r\\nGET http://127.0.0.1:${fPort}/ HTTP/1.1\\r\\nHost: 127.0.0.1:${fPort}\\r\\n\\r\\n'; sleep 1) | socat -t1 - TCP:127.0.0.1:3128 | grep -a '^HTTP/' | tr -d '\\r' | tr ' ' _ | sed 's/^/RESULT pipelined /'
# A userinfo that names the allowed host.
code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "http://127.0.0.1:${aPort}@127.0.0.1:${fPort}/")
case "$code" in 403|000) r userinfo blocked ;; *) r userinfo LEAK-$code ;; esac
socat -u OPEN:/dev/null ABSTRACT-CONNECT:${abstractName} 2>/dev/null && r abstract LEAK || r abstract blocked
code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "http://127.0.0.1:${aPort}/")
[ "$code" = 200 ] && r allowed ok || r allowed FAILED-$code
`;
      const { output } = await sandboxed(script, { allow: [`127.0.0.1:${aPort}`] });
      const res = results(output);
      const leaks = Object.entries(res).filter(([k, v]) => k !== "pipelined" && v !== "blocked" && v !== "ok");
      expect(leaks, output).toEqual([]);
      expect(res.allowed).toBe("ok");
      expect(Object.keys(res).filter((k) => k.startsWith("get-") || k.startsWith("connect-"))).toHaveLength(spellings.length * 2);
      // The pipelined pair: the first answered by the allowed server, the second refused (and reported).
      expect(output).toContain("RESULT pipelined HTTP/1.1_200_OK");
      expect(output).toContain(`[sandbox] blocked a connection to 127.0.0.1:${fPort}`);
      expect(forbiddenHits).toBe(0);
      expect(allowedHits).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all([forbidden, forbidden6, allowed, abstract].map((s) => s.close()));
    }
  });
});

/** One raw request to the proxy's unix socket; the first line of the answer. */
function ask(socketPath: string, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    let data = "";
    s.on("data", (d: Buffer) => {
      data += d.toString();
      if (data.includes("\r\n")) { s.destroy(); resolve(data.split("\r\n")[0] ?? ""); }
    });
    s.on("error", () => resolve(data));
    s.on("close", () => resolve(data.split("\r\n")[0] ?? ""));
    s.write(request);
  });
}

describe("a *.domain pattern whose DNS answers with a private address", () => {
  it("is refused (loopback, cloud metadata, v4-mapped); a name the operator listed exactly may be private", async () => {
    let hits = 0;
    const local = countingServer((s) => { hits++; s.end("HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"); });
    const port = await listen(local.server, "127.0.0.1");
    const dir = await mkdtemp(join(root, "proxy-"));
    const socketPath = join(dir, "proxy.sock");
    // Whoever runs evil.test's DNS decides what its subdomains resolve to.
    const dns: Record<string, string> = { "lo.evil.test": "127.0.0.1", "meta.evil.test": "169.254.169.254", "mapped.evil.test": "::ffff:127.0.0.1", "ten.evil.test": "10.1.2.3", "v6.evil.test": "::1" };
    const denied: string[] = [];
    const proxy = await startRunProxy({
      socketPath,
      allow: [`*.evil.test:${port}`, `*.evil.test:80`, `localhost:${port}`].map(parseAllowPattern),
      onDenied: (m) => denied.push(m),
      lookup: (host) => (dns[host] ? Promise.resolve(dns[host]) : Promise.reject(new Error("ENOTFOUND"))),
    });
    try {
      for (const name of Object.keys(dns)) {
        expect(await ask(socketPath, `CONNECT ${name}:${port} HTTP/1.1\r\nHost: ${name}:${port}\r\n\r\n`), name).toMatch(/ 403 /);
        expect(await ask(socketPath, `GET http://${name}:${port}/ HTTP/1.1\r\nHost: ${name}:${port}\r\n\r\n`), name).toMatch(/ 403 /);
      }
      expect(await ask(socketPath, `CONNECT nowhere.evil.test:${port} HTTP/1.1\r\n\r\n`)).toMatch(/ 403 /);
      expect(hits).toBe(0);
      expect(denied.join("\n")).toContain(`lo.evil.test:${port}: it resolves to a private address (127.0.0.1)`);
      // The operator named localhost:port exactly (a GitLab on loopback, as in the demo): allowed.
      expect(await ask(socketPath, `GET http://localhost:${port}/ HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`)).toMatch(/ 200 /);
      expect(hits).toBe(1);
    } finally {
      await proxy.close();
      await local.close();
    }
  });
});

describe("what the app does with the checkout after the run", () => {
  it("never writes through a symlink the agent planted, even one that points nowhere yet", async () => {
    const ws = await checkout();
    const target = join(root, `created-by-app-${NONCE}`);
    const targetDir = join(root, `dir-by-app-${NONCE}`);
    const events: AgentEvent[] = [];
    const run = (prompt: string) => createScriptedRuntime().run(
      { workspaceDir: ws, prompt, env: { PATH: "/usr/bin:/bin" }, conversationId: "escape-more", signal: new AbortController().signal, timeoutMs: 30_000 },
      (e) => { events.push(e); },
    );
    // A dangling symlink: realpath() cannot follow it, but the app's writeFile would create its target.
    const created = await run(`run: ln -s ${target} evil\ncreate file evil with content PWNED`);
    expect(created.outcome).toBe("failed");
    expect(created.error).toMatch(/symlink that points nowhere/);
    const appended = await run(`append PWNED to evil`);
    expect(appended.outcome).toBe("failed");
    // The same through a directory component.
    const nested = await run(`run: ln -s ${targetDir} d\ncreate file d/x with content PWNED`);
    expect(nested.outcome).toBe("failed");
    expect(await lstat(target).then(() => true, () => false)).toBe(false);
    expect(await lstat(targetDir).then(() => true, () => false)).toBe(false);
    // A FIFO: opening it would block a worker thread for ever.
    const started = Date.now();
    const fifo = await run(`run: mkfifo pipe\nappend x to pipe`);
    expect(fifo.outcome).toBe("failed");
    expect(fifo.error).toMatch(/not a regular file/);
    expect((await run(`create file pipe with content x`)).error).toMatch(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(20_000);
    // A symlink that stays inside the checkout still works.
    const inside = await run(`run: mkdir real && ln -s real alias\ncreate file alias/ok.txt with content fine`);
    expect(inside.outcome).toBe("resolved");
    expect(await readFile(join(ws, "real", "ok.txt"), "utf8")).toMatch(/^fine\n?$/);
  });

  it("hands the checkout back without chowning host files, keeping setuid bits, or obeying a .git/config symlink", async () => {
    const before = await stat(hostFile);
    const script = `
r() { echo "RESULT $1 $2"; }
ln -s ${hostFile} link-to-host
cp /bin/sh suid-sh && chmod 4755 suid-sh && r suid-made ok
ln /usr/bin/su hard-su 2>/dev/null && r hardlink-usr LEAK || r hardlink-usr blocked
cat ${hostFile} 2>/dev/null && r read-host LEAK || r read-host blocked
rm .git/config && ln -s ${hostFile} .git/config
mkdir -p deep/er && ln -s / deep/er/root
`;
    const { ws, output } = await sandboxed(script);
    const res = results(output);
    expect(res, output).toMatchObject({ "suid-made": "ok", "hardlink-usr": "blocked", "read-host": "blocked" });
    // The host file: same owner, same content, not followed by the chown back or the .git restore.
    const after = await stat(hostFile);
    expect([after.uid, after.gid, after.mode]).toEqual([before.uid, before.gid, before.mode]);
    expect(after.uid).toBe(HOST_FILE_UID);
    expect(await readFile(hostFile, "utf8")).toBe(`host-canary-${NONCE}\n`);
    // The agent's setuid file is the worker's now, without its setuid bit (the kernel drops it on chown).
    const suid = await stat(join(ws, "suid-sh"));
    expect(suid.uid).toBe(process.getuid?.());
    expect(suid.mode & 0o6000).toBe(0);
    // .git/config is a plain file again, the app's own.
    expect((await lstat(join(ws, ".git", "config"))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(ws, ".git", "config"), "utf8")).toContain("[core]");
    // The / symlink is left as a symlink, owned by the worker, and / untouched.
    expect((await lstat(join(ws, "deep/er/root"))).isSymbolicLink()).toBe(true);
    expect((await stat("/")).uid).toBe(0);
  });

  it("a repository the agent nests in the checkout never makes the app's git run its config", async () => {
    const ws = await checkout();
    const git = (args: string[]) => runGit(args, { cwd: ws, home: root });
    const id = ["-c", "user.name=app", "-c", "user.email=app@example.com"];
    await git([...id, "commit", "-q", "--allow-empty", "-m", "base"]);
    const base = (await git(["rev-parse", "HEAD"])).stdout.trim();
    const marker = join(root, `fsmonitor-ran-${NONCE}`);
    // A nested repository with an fsmonitor hook, staged as a gitlink: the app's `git diff` then runs
    // `git status` inside it (before the fix, that ran the hook as the worker, outside the sandbox).
    const { output } = await sandboxed(`git init -q sub && cd sub && git -c user.name=a -c user.email=a@b commit -q --allow-empty -m s && git config core.fsmonitor "touch ${marker}; false" && cd .. && git add sub && git -c user.name=a -c user.email=a@b commit -q -m nested && echo planted`, { ws });
    expect(output).toContain("planted");
    expect(output).toContain("nested repositories: sub/.git");
    // What workspace.ts runs afterwards.
    await git(["diff", "--name-only", "-z", "--no-renames", base, "--"]);
    await git(["ls-files", "--others", "--exclude-standard", "-z"]);
    await git(["add", "--all"]);
    await git(["diff", "--cached", "--quiet"]);
    expect(await lstat(marker).then(() => true, () => false)).toBe(false);
  });

  it("a checkout whose .git the agent removed stops the app's git there (never a parent repository)", async () => {
    const ws = await checkout();
    const { output } = await sandboxed("rm -rf .git && echo removed", { ws });
    expect(output).toContain("[sandbox] the agent removed .git");
    const r = await runGit(["rev-parse", "--show-toplevel"], { cwd: ws, home: root });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid gitfile format/);
  });

  it("leaves no process behind: daemons, setsid and nohup children die with the run", async () => {
    const marker = `4${Math.floor(Math.random() * 1e6)}.25`;
    const script = `setsid sleep ${marker} </dev/null >/dev/null 2>&1 &
nohup sleep ${marker} </dev/null >/dev/null 2>&1 &
( ( sleep ${marker} </dev/null >/dev/null 2>&1 & ) & )
sleep 0.3; echo started`;
    const { output } = await sandboxed(script);
    expect(output).toContain("started");
    // SIGKILLed with their PID namespace when the run ends; under load the kernel may take a moment to reap them.
    for (let i = 0; i < 40 && (await processesWithMarker(`sleep\0${marker}`)).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await processesWithMarker(`sleep\0${marker}`)).toEqual([]);
  });
});

describe("descriptors the worker inherited", () => {
  it("a pipe the worker's launcher left open (no close-on-exec) is /dev/null inside the sandbox", async () => {
    const ws = await checkout();
    const LEAKED = 20;
    // The worker gets a pipe at fd 20 that it did not open, as from a supervisor or a shell pipeline.
    const stdio: ("ignore" | "pipe")[] = ["ignore", "pipe", "pipe"];
    while (stdio.length < LEAKED) stdio.push("ignore");
    stdio.push("pipe");
    const script = `ls -l /proc/self/fd/${LEAKED} | sed 's/^/FD /'; echo "leaked-${NONCE}" > /proc/self/fd/${LEAKED}; echo finished`;
    const child = spawn(process.execPath, ["--import", "tsx", FD_CHILD, script], { cwd: process.cwd(), env: { ...process.env, FD_CHILD_CHECKOUT: ws }, stdio });
    let out = "";
    let leaked = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const pipe = (child.stdio as unknown as (NodeJS.ReadableStream | null)[])[LEAKED];
    pipe?.on("data", (d: Buffer) => (leaked += d.toString()));
    await new Promise((r) => child.on("close", r));
    expect(out).toContain("finished");
    expect(out).toMatch(/FD .*-> \/dev\/null/);
    expect(leaked).toBe("");
  });
});

describe("the sandbox's own view", () => {
  it("no /sys, a minimal /dev, no capabilities or setuid root, no terminal, nothing writable outside its directories", async () => {
    const script = `
r() { echo "RESULT $1 $2"; }
[ -e /sys/kernel ] && r sys LEAK || r sys blocked
[ "$(ls /dev | tr '\n' ' ')" = "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " ] && r dev blocked || r dev LEAK-$(ls /dev | tr '\n' ,)
grep -q '^CapEff:[[:space:]]*0000000000000000' /proc/self/status && grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status && r caps blocked || r caps LEAK
[ "$(su -c id root </dev/null 2>/dev/null)" ] && r su LEAK || r su blocked
tty -s 2>/dev/null && r tty LEAK || r tty blocked
echo x > /proc/sys/kernel/core_pattern 2>/dev/null && r proc-sys LEAK || r proc-sys blocked
mount -t tmpfs none /tmp 2>/dev/null && r mount LEAK || r mount blocked
touch /usr/escape 2>/dev/null && r usr LEAK || r usr blocked
touch /run/agent-sandbox/escape 2>/dev/null && r net-dir LEAK || r net-dir blocked
touch /etc/escape 2>/dev/null && r etc LEAK || r etc blocked
mkdir /run/fill 2>/dev/null && r root-tmpfs LEAK || r root-tmpfs blocked
echo x > /dev/fill 2>/dev/null && r dev-tmpfs LEAK || r dev-tmpfs blocked
grep ' /dev/shm ' /proc/self/mountinfo | grep -q 'size=' && r shm-uncapped blocked || r shm-uncapped LEAK
echo ok > "$HOME/ok" && echo ok > /tmp/ok && echo ok > ok && echo ok > /dev/shm/ok && echo ok > /dev/null && r writable-places ok
unshare -U true 2>/dev/null && r userns LEAK || r userns blocked
`;
    const { output } = await sandboxed(script);
    const res = results(output);
    expect(Object.entries(res).filter(([k, v]) => v !== "blocked" && k !== "writable-places"), output).toEqual([]);
    expect(res["writable-places"]).toBe("ok");
    expect(Object.keys(res)).toHaveLength(15);
  });
});

describe("the kernel's surface", () => {
  it.runIf(process.arch === "x64")("io_uring, bpf, userfaultfd, perf_event_open, keyctl, open_by_handle_at and x32 numbers get ENOSYS; ordinary calls work", async () => {
    // perl (Essential in Debian) makes raw system calls: x86_64 numbers; 0x40000027 is getpid via x32.
    const calls = { io_uring_setup: 425, bpf: 321, userfaultfd: 323, perf_event_open: 298, keyctl: 250, open_by_handle_at: 304, x32_getpid: 0x40000027, getpid: 39 };
    const script = Object.entries(calls).map(([name, nr]) => `perl -e '$r = syscall(${nr}, 0, 0, 0, 0, 0); print "RESULT ${name} ", ($r < 0 ? ($!{ENOSYS} ? "enosys" : "other") : "ran"), "\\n"'`).join("\n");
    const { output } = await sandboxed(script);
    expect(results(output), output).toEqual({ io_uring_setup: "enosys", bpf: "enosys", userfaultfd: "enosys", perf_event_open: "enosys", keyctl: "enosys", open_by_handle_at: "enosys", x32_getpid: "enosys", getpid: "ran" });
  });
});

describe("the host's memory", () => {
  it("many processes, each under the per-process limit, are stopped by the run's total", async () => {
    // 256 MB per process; six dd's each hold a 150 MB buffer (full, blocked on a pipe nobody reads).
    const { exit, output } = await sandboxed("for i in 1 2 3 4 5 6; do dd if=/dev/zero bs=150M count=1 2>/dev/null | sleep 30 & done; wait", { memoryMb: 256 });
    expect(exit.limit?.kind, output).toBe("memory");
    expect(exit.limit?.message).toMatch(/AGENT_MEMORY_MB=256 MB per process, and resident in total/);
  });
});

describe("the worker's memory and the timeline", () => {
  it("endless output (`yes`) is cut at the output limit and ends the run", async () => {
    const { exit, output, ms } = await sandboxed("yes escape-more-output");
    expect(exit.limit?.kind).toBe("output");
    expect(exit.limit?.message).toMatch(/printed more than 64 MB/);
    expect(output.length).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(ms).toBeLessThan(30_000);
  });
});

describe("the host's disk", () => {
  it("a run that fills its checkout (many files, each under the per-file limit) is stopped with the disk-limit error", async () => {
    // 16 MB limit; the agent writes 2 MB files (under RLIMIT_FSIZE) without end.
    const { ws, exit, ms } = await sandboxed("i=0; while true; do i=$((i+1)); head -c 2097152 /dev/zero > fill-$i || exit 1; done", { diskMb: 16 });
    expect(exit.limit?.kind).toBe("disk");
    expect(exit.limit?.message).toMatch(/disk limit \(AGENT_DISK_MB=16 MB.*checkout/);
    const written = execFileSync("du", ["-sm", ws], { encoding: "utf8" });
    // Bounded by the limit plus what one watch interval lets through, not by the host's free space.
    expect(Number(written.split(/\s/)[0])).toBeLessThan(16 + 1024);
    expect(ms).toBeLessThan(30_000);
  });

  it("many empty files count too (inodes), and a checkout's existing content does not", async () => {
    const ws = await checkout();
    // An existing 24 MB in the checkout, above the 16 MB limit: only growth counts.
    await mkdir(join(ws, "vendor"));
    await writeFile(join(ws, "vendor", "big.bin"), Buffer.alloc(24 * 1024 * 1024, 1));
    const ok = await sandboxed("echo small > small.txt; sleep 1.5; echo done", { diskMb: 16, ws });
    expect(ok.exit.limit).toBeUndefined();
    expect(ok.output).toContain("done");
        // Empty files, paced (a few thousand a second) so the test does not spend its time cleaning up.
    const inodes = await sandboxed("mkdir many && cd many && i=0; while true; do i=$((i+1)); : > f$i; [ $((i % 100)) = 0 ] && sleep 0.05; done", { diskMb: 2 });
    expect(inodes.exit.limit?.kind).toBe("disk");
  });
});
