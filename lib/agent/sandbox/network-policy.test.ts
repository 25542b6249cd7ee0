import { describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap-args";
import { isAllowed, NetworkPatternError, parseAllowList, parseAllowPattern, urlHostPort } from "./network-policy";

describe("the network allow-list", () => {
  const allow = ["127.0.0.1:8929", "registry.npmjs.org", "*.pythonhosted.org", "models.internal:*", "[::1]:9000"].map(parseAllowPattern);

  it("lets through exactly the listed host:port, never another port of the same loopback host", () => {
    expect(isAllowed(allow, "127.0.0.1", 8929)).toBe(true);
    expect(isAllowed(allow, "127.0.0.1", 5432)).toBe(false);
    expect(isAllowed(allow, "127.0.0.1", 3000)).toBe(false);
    expect(isAllowed(allow, "localhost", 8929)).toBe(false); // names are matched as asked, not resolved
  });

  it("allows a bare host on 80 and 443 only, *.domain for subdomains only, host:* on every port", () => {
    expect(isAllowed(allow, "registry.npmjs.org", 443)).toBe(true);
    expect(isAllowed(allow, "REGISTRY.npmjs.org.", 80)).toBe(true);
    expect(isAllowed(allow, "registry.npmjs.org", 22)).toBe(false);
    expect(isAllowed(allow, "evil-registry.npmjs.org", 443)).toBe(false);
    expect(isAllowed(allow, "files.pythonhosted.org", 443)).toBe(true);
    expect(isAllowed(allow, "pythonhosted.org", 443)).toBe(false);
    expect(isAllowed(allow, "xpythonhosted.org", 443)).toBe(false);
    expect(isAllowed(allow, "models.internal", 11434)).toBe(true);
    expect(isAllowed(allow, "::1", 9000)).toBe(true);
    expect(isAllowed(allow, "::1", 9001)).toBe(false);
  });

  it("refuses malformed entries with a clear error", () => {
    expect(() => parseAllowPattern("http://x.org")).toThrow(NetworkPatternError);
    expect(() => parseAllowPattern("x.org:99999")).toThrow(/invalid port/);
    expect(() => parseAllowPattern("a b")).toThrow(NetworkPatternError);
    expect(parseAllowList("registry.npmjs.org, pypi.org:443")).toEqual(["registry.npmjs.org", "pypi.org:443"]);
  });

  it("makes a URL's port explicit", () => {
    expect(urlHostPort("https://gitlab.example.com")).toBe("gitlab.example.com:443");
    expect(urlHostPort("http://127.0.0.1:8929/")).toBe("127.0.0.1:8929");
    expect(urlHostPort("http://[::1]/v1")).toBe("[::1]:80");
  });
});

describe("the bubblewrap command line", () => {
  const args = bwrapArgs({
    checkout: "/work/run/repo",
    cwd: "/work/run/repo",
    home: "/work/run/home",
    writable: ["/work/run/codex"],
    readOnly: ["/app/node_modules/@openai/codex"],
    fds: { checkout: 3, writable: [4], readOnly: [5], netDir: 6, passwd: 7, group: 8, hosts: 9 },
    limits: { memoryMb: 2048, maxProcesses: 512, diskMb: 1024 },
    argv: ["codex", "exec"],
  });

  it("starts from an empty root: never binds / , the app, DATA_DIR or the host's /tmp", () => {
    const pairs = args.flatMap((a, i) => (a === "--bind" || a === "--ro-bind" || a === "--dev-bind" ? [args[i + 1]] : []));
    expect(pairs).not.toContain("/");
    expect(pairs.every((p) => p === "/usr" || p?.startsWith("/etc/"))).toBe(true);
    expect(args.join(" ")).not.toMatch(/\.data|\/root|--bind \/tmp/);
  });

  it("unshares every namespace, forbids nested user namespaces and caps processes, memory and files", () => {
    expect(args).toEqual(expect.arrayContaining(["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session"]));
    expect(args).toEqual(expect.arrayContaining(["--nproc=512", `--as=${2048 * 1024 * 1024}`, `--fsize=${1024 * 1024 * 1024}`]));
    const tmpfs = args.flatMap((a, i) => (a === "--tmpfs" ? [args[i + 1]] : []));
    expect(tmpfs).toEqual(["/tmp", "/work/run/home"]);
    expect(args.slice(-2)).toEqual(["codex", "exec"]);
  });
});
