import { spawn } from "node:child_process";

/**
 * Runs the git CLI for the app (clone, commit, diff, push) with a clean environment and with
 * every setting that could run a program neutralised (issue 13; the full reasoning is in the README,
 * "The app's git"). In short:
 * - no system or global config, a throwaway HOME, C locale, no prompts, no askpass;
 * - on the command line (which wins over any config file): hooks off, fsmonitor off, credential
 *   helpers reset, submodule recursion off, signing off;
 * - the token never appears in an environment variable, an argument or a file. git asks the one
 *   credential helper we configure (`!f …` reading file descriptor 3), and the app writes
 *   `username/password` into that pipe, which only git and its helper inherit. A pipe is read once:
 *   whoever reads it first consumes it, and nothing is left behind afterwards.
 */
export interface GitCredentials {
  token: string;
  /** Basic-auth user name; GitLab ignores it for tokens but older versions want "oauth2". */
  username?: string;
}

export interface GitRunResult { code: number; stdout: string; stderr: string; truncated?: boolean }

export interface GitRunOptions {
  cwd: string;
  home: string;
  credentials?: { origin: string; credentials: GitCredentials };
  env?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Stop reading (and kill git) past this many bytes of stdout: the result has `truncated`. For
   * output whose size the agent decides (a diff of its files), which could otherwise outgrow memory.
   */
  maxStdoutBytes?: number;
}

export function basicAuthValue(credentials: GitCredentials): string {
  return Buffer.from(`${credentials.username ?? "oauth2"}:${credentials.token}`).toString("base64");
}

/** Removes the token (and its Basic-auth encoding) from text that may end up in errors or logs. */
export function redactCredentials(text: string, credentials: GitCredentials | undefined): string {
  if (!credentials || credentials.token === "") return text;
  return text.split(basicAuthValue(credentials)).join("[redacted]").split(credentials.token).join("[redacted]");
}

/**
 * `-c` settings for every app git command. Command-line config is read after every config file,
 * so these win over anything written into a repository's config (or an `include` of it).
 */
export const NEUTRAL_GIT_CONFIG: readonly string[] = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.untrackedCache=false",
  "core.askPass=",
  "core.sshCommand=false",
  "credential.helper=",
  "commit.gpgSign=false",
  "tag.gpgSign=false",
  "push.gpgSign=false",
  "submodule.recurse=false",
  "push.recurseSubmodules=no",
  "fetch.recurseSubmodules=false",
  "protocol.ext.allow=never",
];

/** The credential helper: prints what the app wrote into fd 3, only for `get`. */
const FD_HELPER = '!f() { test "$1" = get && cat <&3; }; f';

export function gitConfigArgs(opts: Pick<GitRunOptions, "credentials">): string[] {
  const args = NEUTRAL_GIT_CONFIG.flatMap((kv) => ["-c", kv]);
  // `credential.<origin>.helper` applies only to URLs under that origin: a redirect elsewhere gets nothing.
  if (opts.credentials) args.push("-c", `credential.${opts.credentials.origin}/.helper=${FD_HELPER}`);
  return args;
}

export function gitEnv(opts: GitRunOptions): NodeJS.ProcessEnv {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: opts.home,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_PROTOCOL_FROM_USER: "0",
    ...opts.env,
  };
  // Next's global types make NODE_ENV a required key of ProcessEnv.
  return { ...env, NODE_ENV: process.env.NODE_ENV };
}

export function runGit(args: string[], opts: GitRunOptions): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    const stdio: ("ignore" | "pipe")[] = opts.credentials ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"];
    const child = spawn("git", [...gitConfigArgs(opts), ...args], { cwd: opts.cwd, env: gitEnv(opts), stdio, signal: opts.signal });
    if (opts.credentials) {
      const pipe = child.stdio[3];
      const { credentials } = opts.credentials;
      if (pipe && "end" in pipe) {
        pipe.on("error", () => undefined); // git may exit without reading it (nothing needed auth)
        pipe.end(`username=${credentials.username ?? "oauth2"}\npassword=${credentials.token}\n`);
      }
    }
    let stdout = "";
    let stderr = "";
    let truncated = false;
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      if (truncated) return;
      stdout += c;
      if (opts.maxStdoutBytes !== undefined && stdout.length > opts.maxStdoutBytes) {
        truncated = true;
        stdout = "";
        child.kill("SIGKILL");
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (err) => reject(new Error(redactCredentials(err.message, opts.credentials?.credentials))));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: redactCredentials(stderr, opts.credentials?.credentials), ...(truncated ? { truncated } : {}) }));
  });
}
