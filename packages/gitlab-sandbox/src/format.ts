// Value formats GitLab uses: ISO 8601 with milliseconds in the API, "YYYY-MM-DD HH:MM:SS UTC" in
// several webhook payloads, Gravatar identicons for avatars.
import { createHash, randomBytes } from "node:crypto";

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
export const utcText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
export const dateOnly = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const avatarCache = new Map<string, string>();
export function gravatar(email: string): string {
  let url = avatarCache.get(email);
  if (!url) {
    url = `https://www.gravatar.com/avatar/${createHash("md5").update(email.trim().toLowerCase()).digest("hex")}?s=80&d=identicon`;
    avatarCache.set(email, url);
  }
  return url;
}

export const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
/** A discussion id: 40 hex chars like GitLab's SHA1-based ids. */
export const discussionId = (): string => hex(20);
export const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex");

export const VISIBILITY_LEVEL = { private: 0, internal: 10, public: 20 } as const;

/** GitLab's human access level names. */
export function accessLevelName(level: number): string {
  return ({ 0: "No access", 5: "Minimal Access", 10: "Guest", 15: "Planner", 20: "Reporter", 30: "Developer", 40: "Maintainer", 50: "Owner" } as Record<number, string>)[level] ?? String(level);
}

/** ISO 8601 without milliseconds ("2013-12-03T17:15:43Z"), as in webhook examples. */
export const isoSec = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
