// User-shaped API entities (API::Entities::UserBasic, UserPublic, Member) and webhook user objects.
import type { App } from "./context";
import { dateOnly, gravatar, iso } from "./format";
import type { Membership, User } from "./store";

export function userWebUrl(app: App, user: User): string {
  return `${app.baseUrl}/${user.username}`;
}

export function userBasic(app: App, user: User): Record<string, unknown> {
  return {
    id: user.id, username: user.username, name: user.name, state: user.state, locked: false,
    avatar_url: gravatar(user.email), web_url: userWebUrl(app, user),
  };
}

/** UserBasic plus the two fields the notes API documentation shows on `author`. */
export function noteAuthor(app: App, user: User): Record<string, unknown> {
  return { ...userBasic(app, user), email: user.publicEmail, created_at: iso(user.createdAt) };
}

function localTime(now: number): string {
  const d = new Date(now);
  const h = d.getUTCHours();
  return `${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
}

/** `GET /users/:id` (API::Entities::User). */
export function userPublic(app: App, user: User): Record<string, unknown> {
  return {
    ...userBasic(app, user),
    public_email: user.publicEmail, created_at: iso(user.createdAt), bio: "", location: null,
    linkedin: "", twitter: "", discord: "", github: "", website_url: "", organization: "", job_title: "",
    pronouns: user.pronouns, bot: user.bot, work_information: null, followers: 0, following: 0, is_followed: false,
    local_time: localTime(Date.now()),
  };
}

/** `GET /user` for the token's owner (API::Entities::UserWithPrivateDetails minus admin-only fields). */
export function userSelf(app: App, user: User): Record<string, unknown> {
  return {
    ...userPublic(app, user),
    email: user.email,
    last_sign_in_at: iso(user.createdAt), confirmed_at: iso(user.createdAt), theme_id: 3,
    last_activity_on: dateOnly(user.lastActivityAt), color_scheme_id: 1, projects_limit: 100000,
    current_sign_in_at: iso(user.lastActivityAt), identities: [], can_create_group: true, can_create_project: true,
    two_factor_enabled: false, external: false, private_profile: false, commit_email: user.email,
    preferred_language: "en", shared_runners_minutes_limit: null, extra_shared_runners_minutes_limit: null, scim_identities: [],
    ...(user.admin ? { is_admin: true } : {}),
  };
}

export function memberEntity(app: App, user: User, m: Membership): Record<string, unknown> {
  const creator = m.createdById === null ? undefined : app.store.users.get(m.createdById);
  return {
    ...userBasic(app, user),
    access_level: m.accessLevel, created_at: iso(m.createdAt), created_by: creator ? userBasic(app, creator) : null,
    expires_at: m.expiresAt, email: user.publicEmail, group_saml_identity: null, membership_state: "active",
  };
}

/** `user` in webhook payloads; email is "[REDACTED]" unless the user has a public email. */
export function hookUser(app: App, user: User): Record<string, unknown> {
  return { id: user.id, name: user.name, username: user.username, avatar_url: gravatar(user.email), email: user.publicEmail || "[REDACTED]" };
}

