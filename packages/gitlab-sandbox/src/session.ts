// Browser sessions (`_gitlab_session` cookie) for the sign-in form, the OAuth consent page and the
// HTML pages, plus the form login itself.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "./context";
import { hex } from "./format";
import { redirect, sendHtml } from "./http";
import { renderSignInPage } from "./pages";
import type { Params } from "./params";
import type { User } from "./store";

export const SESSION_COOKIE = "_gitlab_session";

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

export function sessionUser(app: App, req: IncomingMessage): User | null {
  const id = cookies(req).get(SESSION_COOKIE);
  const session = id ? app.store.sessions.get(id) : undefined;
  const user = session ? app.store.users.get(session.userId) : undefined;
  return user && user.state === "active" ? user : null;
}

export function startSession(app: App, user: User): string {
  const id = hex(16);
  app.store.sessions.set(id, { id, userId: user.id, createdAt: Date.now() });
  return `${SESSION_COOKIE}=${id}; path=/; HttpOnly; SameSite=Lax`;
}

export function endSession(app: App, req: IncomingMessage): string {
  const id = cookies(req).get(SESSION_COOKIE);
  if (id) app.store.sessions.delete(id);
  return `${SESSION_COOKIE}=; path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export function signInUrl(returnTo: string): string {
  return `/users/sign_in?redirect_to=${encodeURIComponent(returnTo)}`;
}

export function showSignIn(res: ServerResponse, returnTo: string, error?: string, username?: string, status = 200): void {
  sendHtml(res, status, renderSignInPage({
    action: "/users/sign_in", hidden: { redirect_to: returnTo }, error, username,
    hint: "GitLab Sandbox: sign in with a seeded user's username (or email) and password.",
  }));
}

/** POST /users/sign_in: accepts `username`/`password` and GitLab's own `user[login]`/`user[password]`. */
export function handleSignIn(app: App, req: IncomingMessage, res: ServerResponse, form: Params): void {
  const nested = typeof form.user === "object" && form.user !== null ? (form.user as Params) : {};
  const login = String(form.username ?? form.login ?? nested.login ?? "");
  const password = String(form.password ?? nested.password ?? "");
  const returnTo = safeReturnPath(form.redirect_to);
  const user = login ? app.store.userByLogin(login) : undefined;
  if (!user || user.password !== password || user.state !== "active") {
    showSignIn(res, returnTo, "Invalid login or password.", login);
    return;
  }
  user.lastActivityAt = Date.now();
  redirect(res, returnTo, { "Set-Cookie": startSession(app, user) });
}
