import { spawn } from "node:child_process";

/**
 * Runs the git CLI for the workspace with a clean environment: no system or global config, no
 * prompts, a throwaway HOME, C locale. Credentials travel only through GIT_CONFIG_* variables of the
 * one git process that needs them (an `http.<origin>.extraHeader`), so they are never written to
 * `.git/config`, the remote URL or any file, and are only sent to the repository's own origin.
 */
export interface GitCredentials {
  token: string;
  /** Basic-auth user name; GitLab ignores it for tokens but older versions want "oauth2". */
  username?: string;
}

export interface GitRunResult { code: number; stdout: string; stderr: string }

export interface GitRunOptions {
  cwd: string;
  home: string;
  credentials?: { origin: string; credentials: GitCredentials };
  env?: Record<string, string>;
  signal?: AbortSignal;
}

export function basicAuthValue(credentials: GitCredentials): string {
  return Buffer.from(`${credentials.username ?? "oauth2"}:${credentials.token}`).toString("base64");
}

/** Removes the token (and its Basic-auth encoding) from text that may end up in errors or logs. */
export function redactCredentials(text: string, credentials: GitCredentials | undefined): string {
  if (!credentials || credentials.token === "") return text;
  return text.split(basicAuthValue(credentials)).join("[redacted]").split(credentials.token).join("[redacted]");
}

export function gitEnv(opts: GitRunOptions): NodeJS.ProcessEnv {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: opts.home,
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    ...opts.env,
  };
  if (opts.credentials) {
    // `http.<url>.*` applies only to URLs under that origin, so redirects elsewhere get no token.
    env.GIT_CONFIG_COUNT = "1";
    env.GIT_CONFIG_KEY_0 = `http.${opts.credentials.origin}/.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basicAuthValue(opts.credentials.credentials)}`;
  }
  // Next's global types make NODE_ENV a required key of ProcessEnv.
  return { ...env, NODE_ENV: process.env.NODE_ENV };
}

export function runGit(args: string[], opts: GitRunOptions): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts), stdio: ["ignore", "pipe", "pipe"], signal: opts.signal });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (err) => reject(new Error(redactCredentials(err.message, opts.credentials?.credentials))));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: redactCredentials(stderr, opts.credentials?.credentials) }));
  });
}
