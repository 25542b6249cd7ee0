// Git smart HTTP for the sandbox: GitLab's access rules in front of `git http-backend` (CGI).
// Access checks follow GitLab's GitHttpClientController + Gitlab::GitAccess, in the same order:
// credentials -> token abilities (scopes) -> project visibility -> download/push permission.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { gitEnv, readRefs } from "./git-repo";

export interface GitHttpDeps {
  resolveRepository(fullPath: string): { projectId: number; dir: string; visibility: "private" | "internal" | "public" } | null;
  authenticate(username: string, password: string): { userId: number; scopes: string[] } | null;
  accessLevel(userId: number, projectId: number): number;
  /**
   * Branches (full refs) the user may push to without Developer access: the source branches of fork
   * MRs that allow collaboration, for members who can merge into the target (GitLab's
   * MergeRequest#can_be_pushed_by?). Pushes then may update only these refs.
   */
  collaborationRefs?(userId: number, projectId: number): string[];
  onPush?(event: { projectId: number; userId: number; updatedRefs: { ref: string; before: string; after: string }[] }): void;
}

const GIT_PATH = /^\/((?:[^/]+\/)+[^/]+)\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/;
const ServiceSchema = z.enum(["git-upload-pack", "git-receive-pack"]);
const ZERO_SHA = "0000000000000000000000000000000000000000";

// Access levels (GitLab): Guest 10, Reporter 20, Developer 30.
const GUEST = 10;
const REPORTER = 20;
const DEVELOPER = 30;
const DOWNLOAD_SCOPES = new Set(["api", "read_api", "read_repository", "write_repository"]);
const PUSH_SCOPES = new Set(["api", "write_repository"]);

// A pre-receive hook that rejects any ref outside SANDBOX_ALLOWED_REFS (set for collaboration pushes only).
const PRE_RECEIVE = `#!/bin/sh
[ -z "$SANDBOX_ALLOWED_REFS" ] && exit 0
while read old new ref; do
  case " $SANDBOX_ALLOWED_REFS " in
    *" $ref "*) ;;
    *) echo "GitLab: You are not allowed to push code to this project."; exit 1 ;;
  esac
done
exit 0
`;
let hooksDir: Promise<string> | null = null;
function collaborationHooksDir(): Promise<string> {
  hooksDir ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "gitlab-sandbox-hooks-"));
    await writeFile(join(dir, "pre-receive"), PRE_RECEIVE);
    await chmod(join(dir, "pre-receive"), 0o755);
    return dir;
  })();
  return hooksDir;
}

// Texts copied from GitLab (GitHttpClientController#render_access_denied, Gitlab::GitAccess::ERROR_MESSAGES).
export const ACCESS_DENIED_MESSAGE = "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See https://gitlab.com/help/topics/git/troubleshooting_git.md#error-on-git-fetch-http-basic-access-denied";
export const GIT_ACCESS_MESSAGES = {
  projectNotFound: "The project you were looking for could not be found or you don't have permission to view it.",
  authDownload: "You are not allowed to download code.",
  authUpload: "You are not allowed to upload code.",
  download: "You are not allowed to download code from this project.",
  pushCode: "You are not allowed to push code to this project.",
  commandNotAllowed: "The command you're trying to execute is not allowed.",
} as const;

export function isGitRequest(pathname: string): boolean {
  return GIT_PATH.test(pathname);
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  // setHeader (not writeHead's argument) keeps headers visible to res.getHeader, e.g. for request logs.
  const all = { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), ...headers };
  for (const [name, value] of Object.entries(all)) res.setHeader(name, value);
  res.writeHead(status);
  res.end(body);
}

function sendChallenge(res: ServerResponse): void {
  sendText(res, 401, ACCESS_DENIED_MESSAGE, { "WWW-Authenticate": 'Basic realm="GitLab"' });
}

function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? { username: decoded, password: "" } : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// Serialises pushes per repository so the before/after ref snapshots belong to exactly one push.
const pushLocks = new Map<string, Promise<void>>();
async function withPushLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = pushLocks.get(dir) ?? Promise.resolve();
  let release = (): void => undefined;
  const current = new Promise<void>((r) => { release = r; });
  const chained = previous.then(() => current);
  pushLocks.set(dir, chained);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (pushLocks.get(dir) === chained) pushLocks.delete(dir);
  }
}

export async function handleGitRequest(req: IncomingMessage, res: ServerResponse, deps: GitHttpDeps): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const match = GIT_PATH.exec(url.pathname);
    if (!match?.[1] || !match[2]) return sendText(res, 404, GIT_ACCESS_MESSAGES.projectNotFound);
    let fullPath: string;
    try {
      fullPath = decodeURIComponent(match[1]);
    } catch {
      return sendText(res, 404, GIT_ACCESS_MESSAGES.projectNotFound);
    }
    const action = match[2];
    const isInfoRefs = action === "info/refs";
    if (req.method !== (isInfoRefs ? "GET" : "POST")) return sendText(res, 405, "Method Not Allowed", { Allow: isInfoRefs ? "GET" : "POST" });
    // Dumb HTTP (info/refs without ?service=) is not supported by GitLab either.
    const service = ServiceSchema.safeParse(isInfoRefs ? url.searchParams.get("service") : action);
    if (!service.success) return sendText(res, 403, GIT_ACCESS_MESSAGES.commandNotAllowed);
    const isPush = service.data === "git-receive-pack";

    const credentials = parseBasicAuth(req.headers.authorization);
    let actor: { userId: number; scopes: string[] } | null = null;
    if (credentials) {
      actor = credentials.username !== "" && credentials.password !== "" ? deps.authenticate(credentials.username, credentials.password) : null;
      if (!actor) return sendChallenge(res);
    }
    const repo = deps.resolveRepository(fullPath);
    let allowedRefs: string[] | null = null;

    if (!actor) {
      // Anonymous: only downloads from public projects; everything else (even "not found") is a challenge.
      if (!repo || repo.visibility !== "public" || isPush) return sendChallenge(res);
    } else {
      const allowedScopes = isPush ? PUSH_SCOPES : DOWNLOAD_SCOPES;
      if (!actor.scopes.some((s) => allowedScopes.has(s))) return sendText(res, 403, isPush ? GIT_ACCESS_MESSAGES.authUpload : GIT_ACCESS_MESSAGES.authDownload);
      const level = repo ? deps.accessLevel(actor.userId, repo.projectId) : 0;
      const canReadProject = repo !== null && (repo.visibility !== "private" || level >= GUEST);
      if (!repo || !canReadProject) return sendText(res, 404, GIT_ACCESS_MESSAGES.projectNotFound);
      if (isPush && level < DEVELOPER) {
        const refs = deps.collaborationRefs?.(actor.userId, repo.projectId) ?? [];
        if (refs.length === 0) return sendText(res, 403, GIT_ACCESS_MESSAGES.pushCode);
        allowedRefs = refs;
      }
      if (!isPush && repo.visibility === "private" && level < REPORTER) return sendText(res, 403, GIT_ACCESS_MESSAGES.download);
    }

    const cgi = {
      dir: repo.dir, action, query: url.search.slice(1), remoteUser: credentials?.username ?? "",
      restrict: allowedRefs ? { refs: allowedRefs, hooksDir: await collaborationHooksDir() } : null,
    };
    if (isPush && !isInfoRefs && actor) {
      const userId = actor.userId;
      await withPushLock(repo.dir, async () => {
        const before = await readRefs(repo.dir);
        await runHttpBackend(req, res, cgi, async () => {
          const after = await readRefs(repo.dir);
          const updatedRefs = diffRefs(before, after);
          if (updatedRefs.length === 0) return;
          // A failing hook consumer must not fail the push itself (GitLab's post-receive is async).
          try {
            deps.onPush?.({ projectId: repo.projectId, userId, updatedRefs });
          } catch (error) {
            console.error("gitlab-sandbox: onPush failed", error);
          }
        });
      });
    } else {
      await runHttpBackend(req, res, cgi, null);
    }
  } catch (error) {
    if (!res.headersSent) sendText(res, 500, "Internal Server Error");
    else res.destroy(error instanceof Error ? error : undefined);
  }
}

function diffRefs(before: Map<string, string>, after: Map<string, string>): { ref: string; before: string; after: string }[] {
  const refs = [...new Set([...before.keys(), ...after.keys()])].sort();
  return refs
    .map((ref) => ({ ref, before: before.get(ref) ?? ZERO_SHA, after: after.get(ref) ?? ZERO_SHA }))
    .filter((r) => r.before !== r.after);
}

/**
 * Streams the request through `git http-backend` and its CGI response back to the client.
 * `afterSuccess` runs once the backend exited 0 but before the response ends, so a client that
 * sees its push finish can rely on the push hooks having been fired (like GitLab's post-receive).
 */
function runHttpBackend(req: IncomingMessage, res: ServerResponse, cgi: { dir: string; action: string; query: string; remoteUser: string; restrict: { refs: string[]; hooksDir: string } | null }, afterSuccess: (() => Promise<void>) | null): Promise<boolean> {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: dirname(cgi.dir),
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${basename(cgi.dir)}/${cgi.action}`,
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: cgi.query,
    CONTENT_TYPE: header("content-type") ?? "",
    REMOTE_USER: cgi.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
  };
  const optional: [string, string | undefined][] = [
    ["CONTENT_LENGTH", header("content-length")],
    ["HTTP_CONTENT_ENCODING", header("content-encoding")], // http-backend inflates gzip bodies itself
    ["HTTP_GIT_PROTOCOL", header("git-protocol")], // enables protocol v2
  ];
  for (const [k, v] of optional) if (v) env[k] = v;
  const restrictArgs: string[] = [];
  if (cgi.restrict) {
    env.SANDBOX_ALLOWED_REFS = cgi.restrict.refs.join(" ");
    restrictArgs.push("-c", `core.hooksPath=${cgi.restrict.hooksDir}`);
  }

  const child = spawn("git", ["-c", "http.receivepack=true", "-c", "uploadpack.allowFilter=true", ...restrictArgs, "http-backend"], { env: gitEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  return new Promise<boolean>((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let headersDone = false;
    const stderr: Buffer[] = [];
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    child.stdin.on("error", () => undefined); // backend may stop reading early (e.g. on errors)
    req.on("error", () => child.kill());
    res.on("close", () => { if (child.exitCode === null) child.kill(); });
    req.pipe(child.stdin);

    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        if (!res.write(chunk)) { child.stdout.pause(); res.once("drain", () => child.stdout.resume()); }
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const parsed = parseCgiHeaders(pending);
      if (!parsed) return;
      headersDone = true;
      for (const [name, value] of Object.entries(parsed.headers)) res.setHeader(name, value);
      res.writeHead(parsed.status);
      if (parsed.body.length > 0) res.write(parsed.body);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      void (async () => {
        if (!headersDone) {
          if (!res.headersSent) sendText(res, 500, `git http-backend failed: ${Buffer.concat(stderr).toString("utf8").trim()}`);
          return resolve(false);
        }
        if (code === 0 && afterSuccess) await afterSuccess();
        res.end();
        resolve(code === 0);
      })().catch(reject);
    });
  });
}

/** Splits a CGI response into status, headers and the start of the body; null until the blank line arrived. */
function parseCgiHeaders(buf: Buffer): { status: number; headers: Record<string, string | string[]>; body: Buffer } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  let end = -1;
  let sepLen = 0;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) { end = crlf; sepLen = 4; } else if (lf >= 0) { end = lf; sepLen = 2; }
  if (end < 0) return null;
  let status = 200;
  const headers: Record<string, string | string[]> = {};
  for (const line of buf.subarray(0, end).toString("latin1").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") { status = Number.parseInt(value, 10) || 500; continue; }
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return { status, headers, body: buf.subarray(end + sepLen) };
}
