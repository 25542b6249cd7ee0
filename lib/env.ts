import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { z } from "zod";

/**
 * Every environment variable the app reads, parsed once with zod.
 *
 * Local mode (no DATABASE_URL) needs zero setup: ENCRYPTION_KEY and AUTH_SECRET are generated once
 * and persisted under DATA_DIR. With DATABASE_URL (a real deployment, possibly many processes) they
 * are required, because keys generated per machine would make one process unable to read what
 * another wrote.
 */

const KEY_HINT = "32 random bytes as base64 (44 chars) or hex (64 chars); generate one with `openssl rand -base64 32`";

function isValidKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  try {
    return Buffer.from(value, "base64").length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(value);
  } catch {
    return false;
  }
}

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const postgresUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "postgres:" || u.protocol === "postgresql:";
    } catch {
      return false;
    }
  }, "must be a postgres:// or postgresql:// URL, e.g. postgres://user:pass@localhost:5432/app");

const httpUrl = (example: string) =>
  z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    }, `must be an http(s) URL, e.g. ${example}`)
    .transform((v) => v.replace(/\/+$/, ""));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: postgresUrl.optional(),
  MIGRATE_ON_START: booleanish,
  APP_URL: httpUrl("http://localhost:3000").default("http://localhost:3000"),
  ENCRYPTION_KEY: z.string().refine(isValidKey, `must be ${KEY_HINT}`).optional(),
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : []))
    .refine((keys) => keys.every(isValidKey), `must be a comma-separated list of keys, each ${KEY_HINT}`),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters; generate one with `openssl rand -base64 32`").optional(),
  GITLAB_URL: httpUrl("https://gitlab.example.com").default("https://gitlab.com"),
  GITLAB_CLIENT_ID: z.string().min(1).optional(),
  GITLAB_CLIENT_SECRET: z.string().min(1).optional(),
  DEMO_MODE: z.enum(["auto", "on", "off"]).default("auto"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  WORKER_IN_PROCESS: z.enum(["auto", "on", "off"]).default("auto"),
  JOBS_MAINTENANCE_INTERVAL_SECONDS: positiveInt(30),
  JOBS_DEFAULT_EXPIRE_SECONDS: positiveInt(15 * 60),
});

export type Env = Omit<z.infer<typeof schema>, "ENCRYPTION_KEY" | "AUTH_SECRET"> & {
  ENCRYPTION_KEY: string;
  AUTH_SECRET: string;
  /** true when running on the embedded database (no DATABASE_URL) */
  localMode: boolean;
  /** true when the built-in GitLab sandbox stands in for GitLab */
  demoMode: boolean;
};

/** A configuration problem, reported as one actionable line at start-up. */
export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as unset: `FOO=` in a .env file means "use the default".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? "environment");
      const raw = cleaned[name];
      const shown = raw === undefined ? "unset" : name.includes("KEY") || name.includes("SECRET") ? `${raw.length} characters` : JSON.stringify(raw);
      return `${name} ${i.message} (got ${shown})`;
    });
    throw new EnvError(`Invalid configuration: ${lines.join("; ")}`);
  }
  const env = result.data;
  const localMode = !env.DATABASE_URL;
  if (env.GITLAB_CLIENT_ID && !env.GITLAB_CLIENT_SECRET) {
    throw new EnvError("Invalid configuration: GITLAB_CLIENT_SECRET is required when GITLAB_CLIENT_ID is set (the OAuth application's secret)");
  }
  const demoMode = env.DEMO_MODE === "on" || (env.DEMO_MODE === "auto" && !env.GITLAB_CLIENT_ID);
  let { ENCRYPTION_KEY, AUTH_SECRET } = env;
  if (!ENCRYPTION_KEY || !AUTH_SECRET) {
    if (!localMode) {
      const missing = [!ENCRYPTION_KEY && "ENCRYPTION_KEY", !AUTH_SECRET && "AUTH_SECRET"].filter(Boolean).join(" and ");
      throw new EnvError(`Invalid configuration: ${missing} must be set when DATABASE_URL is set (every process must share them); ${KEY_HINT}`);
    }
    const persisted = loadOrCreateLocalSecrets(env.DATA_DIR);
    ENCRYPTION_KEY ??= persisted.encryptionKey;
    AUTH_SECRET ??= persisted.authSecret;
  }
  return { ...env, ENCRYPTION_KEY, AUTH_SECRET, localMode, demoMode };
}

const localSecretsSchema = z.object({ encryptionKey: z.string().refine(isValidKey), authSecret: z.string().min(32) });

/** Generated once per data directory, readable only by the owner. */
function loadOrCreateLocalSecrets(dataDir: string): z.infer<typeof localSecretsSchema> {
  const file = path.resolve(/*turbopackIgnore: true*/ dataDir, "local-secrets.json");
  if (fs.existsSync(file)) {
    const parsed = localSecretsSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) throw new EnvError(`Invalid configuration: ${file} is corrupt; delete it only if nothing encrypted needs it`);
    return parsed.data;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secrets = { encryptionKey: crypto.randomBytes(32).toString("base64"), authSecret: crypto.randomBytes(32).toString("base64") };
  // "wx" fails if another process created it first; then we read theirs.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
    return secrets;
  } catch {
    return localSecretsSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  }
}

let cached: Env | undefined;

/** The process's validated configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
