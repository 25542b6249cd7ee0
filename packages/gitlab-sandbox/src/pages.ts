// HTML pages of the GitLab sandbox (sign-in, OAuth consent, project, issue, merge request, errors).
// Pure functions returning whole documents. Every interpolated value goes through `esc`, and
// user-written Markdown through renderMarkdown, so titles/comments can never inject markup.
import { STATUS_CODES } from "node:http";
import { escapeHtml as esc, renderMarkdown } from "./markdown";

export interface PageUser { username: string; name: string }
export interface PageNote { id: number; author: PageUser; body: string; createdAt: string; system: boolean; position?: { newPath: string; newLine: number | null; oldPath?: string; oldLine?: number | null } | null; awards?: string[] }
type PageDiscussion = { id: string; notes: PageNote[] };

// Descriptions as GitLab shows them on its authorization page (abridged).
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  api: "Grants complete read/write access to the API, including all groups and projects, the container registry, and the package registry.",
  read_api: "Grants read access to the API, including all groups and projects, the container registry, and the package registry.",
  read_user: "Grants read-only access to your profile through the /user API endpoint, which includes username, public email, and full name.",
  read_repository: "Grants read-only access to repositories on private projects using Git-over-HTTP or the Repository Files API.",
  write_repository: "Grants read-write access to repositories on private projects using Git-over-HTTP (not using the API).",
  openid: "Grants permission to authenticate with GitLab using OpenID Connect.",
  profile: "Grants read-only access to the user's profile data using OpenID Connect.",
  email: "Grants read-only access to the user's primary email address using OpenID Connect.",
};

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans",Ubuntu,sans-serif;color:#333238;background:#fbfafd}
header.topbar{background:#292961;color:#fff;padding:10px 24px;display:flex;justify-content:space-between;align-items:center}
header.topbar a{color:#fff;text-decoration:none;font-weight:600}main{max-width:980px;margin:24px auto;padding:0 24px}
.narrow{max-width:420px}.awards{margin-top:6px}.award{display:inline-block;border:1px solid #dcdcde;border-radius:12px;padding:0 8px;margin-right:4px;background:#fff}a{color:#1f75cb}h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #dcdcde;padding-bottom:4px}
.card{background:#fff;border:1px solid #dcdcde;border-radius:4px;padding:16px;margin:12px 0}.muted{color:#737278}.error{background:#fdd4cd;border:1px solid #ec5941;padding:8px 12px;border-radius:4px}
label{display:block;font-weight:600;margin:12px 0 4px}input[type=text],input[type=password],textarea{width:100%;padding:8px;border:1px solid #89888d;border-radius:4px;font:inherit}
textarea{min-height:90px}button{margin-top:12px;padding:6px 14px;border-radius:4px;border:1px solid #1f75cb;background:#1f75cb;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#fff;color:#333238;border-color:#89888d}.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;background:#ececef;margin-right:4px}
.badge.opened{background:#c3e6cd}.badge.closed{background:#cbe2f9}.badge.merged{background:#e1d8f9}.badge.label{background:#e9be74}.badge.confidential{background:#fdd4cd}
ul.plain{list-style:none;padding:0}ul.plain li{padding:6px 0;border-bottom:1px solid #ececef}.discussion{border:1px solid #dcdcde;border-radius:4px;background:#fff;margin:12px 0}
.note{padding:10px 14px}.note+.note{border-top:1px solid #ececef;margin-left:24px}.note.system{color:#737278;font-size:13px}.note-meta{font-size:13px;color:#737278}
.note-position{font-family:monospace;background:#ececef;padding:0 4px;border-radius:3px}pre{background:#f5f5f5;padding:10px;overflow:auto;border-radius:4px}
.inline-discussions{margin:0 0 0 24px}.inline-discussions .discussion{margin:6px 0}pre.diff .add{background:#ddfbe6;display:block}pre.diff .del{background:#fbe9eb;display:block}pre.diff .hunk{color:#737278;display:block}
form.label-toggle{display:inline-block;margin-right:6px}form.label-toggle button{margin-top:4px;padding:2px 10px}code{font-family:monospace}`;

function layout(title: string, user: PageUser | null, body: string, mainClass = ""): string {
  const who = user ? `<span data-testid="current-user">${esc(user.name)} (@${esc(user.username)})</span>` : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · GitLab Sandbox</title><style>${STYLE}</style></head>
<body><header class="topbar"><a href="/">GitLab Sandbox</a>${who}</header>
<main${mainClass ? ` class="${mainClass}"` : ""}>
${body}
</main></body></html>`;
}

function hiddenInputs(hidden: Record<string, string>): string {
  return Object.entries(hidden).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("\n");
}

const badge = (text: string, cls = text): string => `<span class="badge ${esc(cls)}">${esc(text)}</span>`;
const labelBadges = (labels: string[]): string => labels.map((l) => badge(l, "label")).join("");

export function renderSignInPage(p: { action: string; hidden: Record<string, string>; error?: string; username?: string; hint?: string }): string {
  const body = `<h1>Sign in</h1>
${p.error ? `<p class="error" role="alert" data-testid="sign-in-error">${esc(p.error)}</p>` : ""}
<form method="post" action="${esc(p.action)}" class="card" data-testid="sign-in-form">
${hiddenInputs(p.hidden)}
<label for="user_login">Username or primary email</label>
<input type="text" id="user_login" name="username" autocomplete="username" required autofocus value="${esc(p.username ?? "")}">
<label for="user_password">Password</label>
<input type="password" id="user_password" name="password" autocomplete="current-password" required>
<button type="submit" data-testid="sign-in-button">Sign in</button>
</form>
${p.hint ? `<p class="muted" data-testid="sign-in-hint">${esc(p.hint)}</p>` : ""}`;
  return layout("Sign in", null, body, "narrow");
}

export function renderConsentPage(p: { action: string; hidden: Record<string, string>; appName: string; scopes: string[]; user: PageUser }): string {
  const scopes = p.scopes.map((s) => `<li><strong>${esc(s)}</strong><br><span class="muted">${esc(SCOPE_DESCRIPTIONS[s] ?? "")}</span></li>`).join("\n");
  const body = `<div class="card" data-testid="consent">
<h1>Authorize ${esc(p.appName)} to use your account?</h1>
<p>An application called <strong>${esc(p.appName)}</strong> is requesting access to your GitLab account, signed in as <strong>@${esc(p.user.username)}</strong>.
Please note that this application is not provided by GitLab and you should verify its authenticity before allowing access.</p>
<p>This application will be able to:</p>
<ul class="plain" data-testid="consent-scopes">${scopes}</ul>
<form method="post" action="${esc(p.action)}">
${hiddenInputs(p.hidden)}
<button type="submit" name="decision" value="allow" data-testid="authorize-button">Authorize</button>
<button type="submit" name="decision" value="deny" class="secondary" data-testid="deny-button">Deny</button>
</form></div>`;
  return layout(`Authorize ${p.appName}`, p.user, body, "narrow");
}

export function renderProjectPage(p: { user: PageUser | null; project: { name: string; fullPath: string; description: string; defaultBranch: string; webUrl: string }; branches: string[]; issues: { iid: number; title: string; state: string; labels: string[]; url: string }[]; mergeRequests: { iid: number; title: string; state: string; sourceBranch: string; targetBranch: string; url: string }[] }): string {
  const { project } = p;
  const issues = p.issues.map((i) => `<li data-testid="issue-${i.iid}"><a href="${esc(i.url)}">${esc(i.title)}</a> <span class="muted">#${i.iid}</span> ${badge(i.state)}${labelBadges(i.labels)}</li>`).join("\n");
  const mrs = p.mergeRequests.map((m) => `<li data-testid="merge-request-${m.iid}"><a href="${esc(m.url)}">${esc(m.title)}</a> <span class="muted">!${m.iid} · <code>${esc(m.sourceBranch)}</code> → <code>${esc(m.targetBranch)}</code></span> ${badge(m.state)}</li>`).join("\n");
  const branches = p.branches.map((b) => `<li><code>${esc(b)}</code>${b === project.defaultBranch ? ` ${badge("default")}` : ""}</li>`).join("\n");
  const body = `<h1 data-testid="project-name">${esc(project.name)}</h1>
<p class="muted">${esc(project.fullPath)}</p>
${project.description ? `<div class="card">${renderMarkdown(project.description)}</div>` : ""}
<p>Clone with HTTPS: <code data-testid="clone-url">${esc(`${project.webUrl}.git`)}</code></p>
<h2>Branches</h2><ul class="plain" data-testid="branches">${branches || `<li class="muted">No branches yet.</li>`}</ul>
<h2>Issues</h2><ul class="plain" data-testid="issues">${issues || `<li class="muted">No issues.</li>`}</ul>
<h2>Merge requests</h2><ul class="plain" data-testid="merge-requests">${mrs || `<li class="muted">No merge requests.</li>`}</ul>`;
  return layout(project.name, p.user, body);
}

/** "path:new_line", or "old_path:old_line (removed)" for a thread on a removed line. */
function positionLabel(p: NonNullable<PageNote["position"]>): string {
  if (p.newLine !== null) return `${p.newPath}:${p.newLine}`;
  if (p.oldLine !== null && p.oldLine !== undefined) return `${p.oldPath ?? p.newPath}:${p.oldLine} (removed)`;
  return p.newPath;
}

const EMOJI: Record<string, string> = { eyes: "👀", white_check_mark: "✅", x: "❌", thumbsup: "👍", thumbsdown: "👎", tada: "🎉" };

/** Emoji reactions under a comment or an issue, as GitLab shows them (the name on hover). */
function renderAwards(names: string[] | undefined, testId: string): string {
  if (!names || names.length === 0) return "";
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const items = [...counts].map(([name, count]) => `<span class="award" title=":${esc(name)}:" data-name="${esc(name)}">${esc(EMOJI[name] ?? `:${name}:`)} ${count}</span>`);
  return `<div class="awards" data-testid="${esc(testId)}">${items.join(" ")}</div>`;
}

function renderNote(note: PageNote): string {
  const when = `<time datetime="${esc(note.createdAt)}">${esc(note.createdAt)}</time>`;
  if (note.system) {
    // System notes ("added ~bug label") read as one line: "<name> <action>".
    return `<div class="note system" data-testid="note-${note.id}"><strong>${esc(note.author.name)}</strong> ${esc(note.body)} <span class="note-meta">· ${when}</span></div>`;
  }
  const pos = note.position ? `<span class="note-position" data-testid="note-position-${note.id}">${esc(positionLabel(note.position))}</span> ` : "";
  return `<div class="note" data-testid="note-${note.id}">
<div class="note-meta"><strong>${esc(note.author.name)}</strong> @${esc(note.author.username)} · ${when} ${pos}</div>
<div class="note-body">${renderMarkdown(note.body)}</div>${renderAwards(note.awards, `note-awards-${note.id}`)}</div>`;
}

function renderDiscussions(discussions: PageDiscussion[]): string {
  if (discussions.length === 0) return `<p class="muted">No comments yet.</p>`;
  // A discussion renders as one thread: first note, then replies indented under it.
  return discussions.map((d) => `<div class="discussion" data-testid="discussion-${esc(d.id)}">${d.notes.map(renderNote).join("\n")}</div>`).join("\n");
}

function renderCommentBox(user: PageUser | null, action: string, signInUrl: string): string {
  if (!user) return `<p data-testid="sign-in-to-comment"><a href="${esc(signInUrl)}">Sign in to comment</a></p>`;
  return `<form method="post" action="${esc(action)}" class="card" data-testid="comment-form">
<label for="note_body">Add a comment</label>
<textarea id="note_body" name="body" required placeholder="Write a comment… (Markdown supported)"></textarea>
<button type="submit">Comment</button>
</form>`;
}

/** One Add/Remove button per project label, as GitLab's sidebar label picker offers (signed-in users who may edit). */
function renderLabelToggles(user: PageUser | null, toggles: { label: string; present: boolean }[], action: string | null): string {
  if (!user || !action) return "";
  return toggles.map((t) => `<form method="post" action="${esc(action)}" class="label-toggle" data-testid="label-toggle-${esc(t.label)}" data-present="${t.present}">
<input type="hidden" name="label" value="${esc(t.label)}"><input type="hidden" name="op" value="${t.present ? "remove" : "add"}">
<button type="submit" class="secondary">${t.present ? "Remove" : "Add"} ~${esc(t.label)}</button></form>`).join("\n");
}

export function renderIssuePage(p: { user: PageUser | null; project: { name: string; fullPath: string; webUrl: string }; issue: { iid: number; title: string; description: string; state: string; labels: string[]; author: PageUser; confidential: boolean; awards?: string[] }; discussions: PageDiscussion[]; labelToggles: { label: string; present: boolean }[]; commentAction: string; labelAction: string | null; signInUrl: string }): string {
  const { issue } = p;
  const toggles = renderLabelToggles(p.user, p.labelToggles, p.labelAction);
  const body = `<p class="muted"><a href="${esc(p.project.webUrl)}">${esc(p.project.fullPath)}</a> · Issue #${issue.iid}</p>
<h1 data-testid="issue-title">${esc(issue.title)}</h1>
<p>${badge(issue.state)}${issue.confidential ? badge("confidential") : ""}<span class="muted">Created by <strong>${esc(issue.author.name)}</strong> @${esc(issue.author.username)}</span></p>
<div class="card" data-testid="issue-description">${issue.description ? renderMarkdown(issue.description) : `<p class="muted">No description.</p>`}${renderAwards(issue.awards, "issue-awards")}</div>
<h2>Labels</h2><p data-testid="issue-labels">${labelBadges(issue.labels) || `<span class="muted">None</span>`}</p>
${toggles ? `<div data-testid="label-toggles">${toggles}</div>` : ""}
<h2>Activity</h2>
${renderDiscussions(p.discussions)}
${renderCommentBox(p.user, p.commentAction, p.signInUrl)}`;
  return layout(`${issue.title} (#${issue.iid})`, p.user, body);
}

function diffSpan(line: string): string {
  const cls = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
  return cls ? `<span class="${cls}">${esc(line)}</span>` : `${esc(line)}\n`;
}

/** The threads whose first note sits on this line of this file (GitLab matches old AND new numbers). */
function threadsOn(discussions: PageDiscussion[], file: PageChange, oldLine: number | null, newLine: number | null): PageDiscussion[] {
  return discussions.filter((d) => {
    const p = d.notes[0]?.position;
    if (!p || p.newPath !== file.path || (p.oldPath ?? file.oldPath ?? file.path) !== (file.oldPath ?? file.path)) return false;
    return p.newLine === newLine && (p.oldLine ?? null) === oldLine;
  });
}

/**
 * The diff of one file, with each inline thread right under the line it was left on, as GitLab's
 * diff view shows it. Line numbers are counted from the hunk headers.
 */
function renderDiffText(file: PageChange, discussions: PageDiscussion[]): string {
  let out = "";
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  // A trailing newline is not a line (it would leave an empty block after the last thread).
  for (const line of file.diff.replace(/\n$/, "").split("\n")) {
    out += diffSpan(line);
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    let at: [number | null, number | null] | null = null;
    if (line.startsWith("+")) at = [null, newNo++];
    else if (line.startsWith("-")) at = [oldNo++, null];
    else if (line.startsWith(" ")) at = [oldNo++, newNo++];
    if (!at) continue;
    const threads = threadsOn(discussions, file, at[0], at[1]);
    if (threads.length > 0) {
      const label = at[1] !== null ? `line ${at[1]}` : `old line ${at[0]}`;
      out += `</pre><div class="inline-discussions" data-testid="inline-discussions" data-path="${esc(file.path)}" data-old-line="${at[0] ?? ""}" data-new-line="${at[1] ?? ""}" aria-label="Comments on ${esc(label)}">${renderDiscussions(threads)}</div><pre class="diff">`;
    }
  }
  return out;
}

export interface PageChange { path: string; diff: string; oldPath?: string }

export function renderMergeRequestPage(p: { user: PageUser | null; project: { name: string; fullPath: string; webUrl: string }; mergeRequest: { iid: number; title: string; description: string; state: string; sourceBranch: string; targetBranch: string; author: PageUser; webUrl: string; labels: string[] }; discussions: PageDiscussion[]; changes: PageChange[]; labelToggles: { label: string; present: boolean }[]; commentAction: string; labelAction: string | null; signInUrl: string }): string {
  const mr = p.mergeRequest;
  const toggles = renderLabelToggles(p.user, p.labelToggles, p.labelAction);
  const changes = p.changes.map((c) => `<div class="card" data-testid="diff-file" data-path="${esc(c.path)}"><strong><code>${c.oldPath && c.oldPath !== c.path ? `${esc(c.oldPath)} → ` : ""}${esc(c.path)}</code></strong>
<pre class="diff">${renderDiffText(c, p.discussions)}</pre></div>`).join("\n");
  const body = `<p class="muted"><a href="${esc(p.project.webUrl)}">${esc(p.project.fullPath)}</a> · Merge request !${mr.iid}</p>
<h1 data-testid="merge-request-title">${esc(mr.title)}</h1>
<p>${badge(mr.state)}<span class="muted"><strong>${esc(mr.author.name)}</strong> requested to merge <code>${esc(mr.sourceBranch)}</code> into <code>${esc(mr.targetBranch)}</code></span></p>
<div class="card" data-testid="merge-request-description">${mr.description ? renderMarkdown(mr.description) : `<p class="muted">No description.</p>`}</div>
<h2>Labels</h2><p data-testid="merge-request-labels">${labelBadges(mr.labels) || `<span class="muted">None</span>`}</p>
${toggles ? `<div data-testid="label-toggles">${toggles}</div>` : ""}
<h2>Changes</h2>
${changes || `<p class="muted">No changes.</p>`}
<h2>Activity</h2>
${renderDiscussions(p.discussions)}
${renderCommentBox(p.user, p.commentAction, p.signInUrl)}`;
  return layout(`${mr.title} (!${mr.iid})`, p.user, body);
}

/** The landing page after sign-in: every project the user can see, like GitLab's "Your work › Projects". */
export function renderProjectsPage(p: { user: PageUser; projects: { name: string; fullPath: string; description: string; url: string; openIssues: number; openMergeRequests: number }[] }): string {
  const rows = p.projects.map((pr) => `<li data-testid="project-${esc(pr.fullPath)}"><a href="${esc(pr.url)}"><strong>${esc(pr.fullPath)}</strong></a>
<span class="muted"> · ${pr.openIssues} open issue${pr.openIssues === 1 ? "" : "s"} · ${pr.openMergeRequests} open merge request${pr.openMergeRequests === 1 ? "" : "s"}</span>
${pr.description ? `<br><span class="muted">${esc(pr.description)}</span>` : ""}</li>`).join("\n");
  const body = `<h1>Projects</h1><ul class="plain" data-testid="projects">${rows || `<li class="muted">You are not a member of any project yet.</li>`}</ul>`;
  return layout("Projects", p.user, body);
}

export function renderErrorPage(status: number, message: string): string {
  const reason = STATUS_CODES[status] ?? "Error";
  const body = `<div class="card" data-testid="error-page"><h1>${status} · ${esc(reason)}</h1><p>${esc(message)}</p><p><a href="/">Go back home</a></p></div>`;
  return layout(`${status} ${reason}`, null, body, "narrow");
}
