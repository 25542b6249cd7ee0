import crypto from "node:crypto";
import { z } from "zod";
import { parseTokenResponse, type OAuthTokenSet } from "../oauth";

/**
 * Test helper: obtains a real token pair the way a browser would, over HTTP, against GitLab (the
 * sandbox): authorization request with PKCE → sign-in form → consent form → redirect with `code`
 * → code exchange. No browser; a cookie jar and a minimal HTML form reader stand in for one.
 * The redirect URI is never contacted: the flow stops when GitLab redirects there.
 */

export interface OAuthLoginOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  username: string;
  password: string;
  scopes?: string[];
}

export interface OAuthLoginResult extends OAuthTokenSet {
  /** our clock when the code exchange started; `expiresAt` for saveConnection derives from it */
  obtainedAt: Date;
  expiresAt: Date | null;
}

const DEFAULT_SCOPES = ["api", "read_user", "read_repository", "write_repository"];

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

const decodeEntities = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(tag);
  const v = m?.[1] ?? m?.[2];
  return v === undefined ? undefined : decodeEntities(v);
}

interface HtmlForm {
  action: string;
  fields: Record<string, string>;
  hasPassword: boolean;
  /** name/value of a submit button whose value is "allow" (GitLab's consent form) */
  allowButton?: { name: string; value: string };
}

/** Reads the forms of a page: action, named inputs, and the consent form's Authorize button. */
export function readForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, head = "", inner = ""] = m;
    const form: HtmlForm = { action: attr(head, "action") ?? "", fields: {}, hasPassword: false };
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const tag = input[0];
      const name = attr(tag, "name");
      const type = (attr(tag, "type") ?? "text").toLowerCase();
      if (type === "password") form.hasPassword = true;
      if (name && type === "hidden") form.fields[name] = attr(tag, "value") ?? "";
    }
    for (const button of inner.matchAll(/<button\b[^>]*>/gi)) {
      const name = attr(button[0], "name");
      const value = attr(button[0], "value");
      if (name && value && /^(allow|authorize|approve)$/i.test(value)) form.allowButton = { name, value };
    }
    forms.push(form);
  }
  return forms;
}

class CookieJar {
  private cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Runs the authorization-code + PKCE flow as the given user and returns the issued token pair. */
export async function oauthLogin(opts: OAuthLoginOptions): Promise<OAuthLoginResult> {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const { verifier, challenge } = pkcePair();
  const state = crypto.randomBytes(16).toString("hex");
  const authorize = new URL(`${base}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    client_id: opts.clientId,
    redirect_uri: opts.redirectUri,
    response_type: "code",
    state,
    scope: (opts.scopes ?? DEFAULT_SCOPES).join(" "),
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();

  const jar = new CookieJar();
  let request: { url: string; init: RequestInit } = { url: authorize.toString(), init: { method: "GET" } };
  for (let step = 0; step < 12; step++) {
    const res = await fetch(request.url, { ...request.init, redirect: "manual", headers: { ...(request.init.headers as Record<string, string>), cookie: jar.header() } });
    jar.store(res);
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.toString().startsWith(opts.redirectUri)) {
        const error = next.searchParams.get("error");
        if (error) throw new Error(`OAuth authorization failed: ${error} ${next.searchParams.get("error_description") ?? ""}`.trim());
        if (next.searchParams.get("state") !== state) throw new Error("OAuth authorization returned a different state");
        const code = next.searchParams.get("code");
        if (!code) throw new Error("OAuth authorization redirect carried no code");
        return exchangeCode(base, opts, code, verifier);
      }
      request = { url: next.toString(), init: { method: "GET" } };
      continue;
    }
    const html = await res.text();
    if (!res.ok) throw new Error(`OAuth login: ${request.url} answered ${res.status}: ${html.slice(0, 200)}`);
    const forms = readForms(html);
    const signIn = forms.find((f) => f.hasPassword);
    const consent = forms.find((f) => f.allowButton);
    const form = signIn ?? consent;
    if (!form) throw new Error(`OAuth login: no sign-in or consent form at ${request.url}`);
    const body = new URLSearchParams(form.fields);
    if (signIn) {
      if (/invalid login/i.test(html) && step > 0) throw new Error("OAuth login: the sandbox rejected the username or password");
      body.set("username", opts.username);
      body.set("password", opts.password);
    } else if (form.allowButton) {
      body.set(form.allowButton.name, form.allowButton.value);
    }
    request = {
      url: new URL(form.action || request.url, request.url).toString(),
      init: { method: "POST", body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } },
    };
  }
  throw new Error("OAuth login: too many steps without reaching the redirect URI");
}

const errorBody = z.object({ error: z.string(), error_description: z.string().optional() });

async function exchangeCode(base: string, opts: OAuthLoginOptions, code: string, verifier: string): Promise<OAuthLoginResult> {
  const obtainedAt = new Date();
  const res = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: opts.redirectUri,
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      code_verifier: verifier,
    }).toString(),
  });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = errorBody.safeParse(json);
    throw new Error(`OAuth code exchange failed (${res.status}): ${e.success ? `${e.data.error} ${e.data.error_description ?? ""}` : "unexpected body"}`);
  }
  const tokens = parseTokenResponse(json);
  const expiresAt = tokens.expiresInSeconds === null ? null : new Date(obtainedAt.getTime() + tokens.expiresInSeconds * 1000);
  return { ...tokens, obtainedAt, expiresAt };
}

const userSchema = z.object({ id: z.number().int(), username: z.string(), name: z.string() });

/** `GET /api/v4/user` with the token: the identity saveConnection needs, and proof the token works. */
export async function fetchCurrentUser(baseUrl: string, accessToken: string): Promise<z.infer<typeof userSchema>> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, "")}/api/v4/user`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (!res.ok) throw new Error(`GET /api/v4/user answered ${res.status}`);
  return userSchema.parse(await res.json());
}
