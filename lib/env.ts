import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { z } from "zod";
import { parseAllowList } from "./agent/sandbox/network-policy";

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

// --- Issue 12: the agent sandbox (lib/agent/sandbox). Its own object so the sandbox can read its
// settings without requiring the rest of the app's configuration (the agent runtime runs in tests
// and tools that have no ENCRYPTION_KEY).
export const agentSandboxSchema = z.object({
  /** `off` runs agents UNCONFINED, for development only (a start-up warning and a banner on every page) */
  AGENT_SANDBOX: z.enum(["on", "off"], "must be on or off (off only for development)").default("on"),
  /** extra hosts the agent may reach besides GitLab and the model endpoint: host, host:port, *.domain, host:* */
  AGENT_NETWORK_ALLOW: z
    .string()
    .optional()
    .refine((v) => {
      try {
        parseAllowList(v);
        return true;
      } catch {
        return false;
      }
    }, "must be a comma-separated list of host, host:port or *.domain patterns, e.g. registry.npmjs.org,pypi.org:443"),
  /** address space of each agent process, in MB */
  AGENT_MEMORY_MB: z.coerce.number().int().min(256, "must be at least 256 MB, e.g. 2048").max(1024 * 1024).default(2048),
  /** tasks (processes and threads) one run may have at once */
  AGENT_MAX_PROCESSES: z.coerce.number().int().min(32, "must be at least 32, e.g. 512").max(65536).default(512),
  /** size of the run's private HOME and of its /tmp (each), and the largest file it may write, in MB */
  AGENT_DISK_MB: z.coerce.number().int().min(16, "must be at least 16 MB, e.g. 1024").max(1024 * 1024).default(1024),
  /** where runs' checkouts live (one 0700 directory per run); never inside any sandbox. Default: DATA_DIR/../.agent-work */
  AGENT_WORK_ROOT: z.string().min(1).optional(),
});
// --- end issue 12 ---

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
  DEMO_SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(8929),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  WORKER_IN_PROCESS: z.enum(["auto", "on", "off"]).default("auto"),
  JOBS_MAINTENANCE_INTERVAL_SECONDS: positiveInt(30),
  JOBS_DEFAULT_EXPIRE_SECONDS: positiveInt(15 * 60),
  /**
   * which agent runs conversations: `scripted` (deterministic test agent) or `command` (a CLI agent).
   * No default outside demo mode (issue 13): see agentChoice below.
   */
  AGENT_RUNTIME: z.enum(["scripted", "command"], "must be scripted or command").optional(),
  AGENT_PRESET: z
    .enum(["openhands", "claude-code", "codex", "gemini", "opencode", "custom"], "must be one of openhands, claude-code, codex, gemini, opencode, custom")
    .optional(),
  /** the shell command line of the `custom` preset, run with /bin/sh -c in the workspace */
  AGENT_COMMAND: z.string().min(1).optional(),
  AGENT_OUTPUT_FORMAT: z.enum(["jsonl", "text"], "must be jsonl or text").default("text"),
  /** longest run, in seconds, before the agent's process group is killed */
  AGENT_TIMEOUT: z.coerce.number().int().min(5, "must be at least 5 seconds, e.g. 1800").max(6 * 3600, "must be at most 21600 seconds (6 h)").default(1800),
  /** agent runs one worker process works at the same time */
  AGENT_CONCURRENCY: z.coerce.number().int().min(1, "must be at least 1, e.g. 2").max(64, "must be at most 64").default(2),
  /** how often a running conversation proves its worker is alive; 4 missed beats mark it interrupted */
  AGENT_HEARTBEAT_SECONDS: z.coerce.number().int().min(1, "must be at least 1 second, e.g. 5").max(300, "must be at most 300 seconds").default(5),
  /**
   * Every CLI preset's model endpoint, written the OpenAI way (`https://host/v1`; issue 15): Codex POSTs
   * `{base}/responses`, OpenCode `{base}/chat/completions`; Claude Code and Gemini CLI get it without the
   * trailing version (they add `/v1/messages`, `/v1beta/models/…` themselves)
   */
  AGENT_MODEL_BASE_URL: httpUrl("https://api.openai.com/v1").optional(),
  /** every CLI preset: the model name sent to AGENT_MODEL_BASE_URL */
  AGENT_MODEL: z.string().min(1).optional(),
  /** every CLI preset: the NAME of the variable of this app's environment holding the endpoint's key */
  AGENT_MODEL_API_KEY_ENV: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable, e.g. OPENAI_API_KEY")
    .optional(),
  /** retries of a failing model endpoint, for the CLIs that have the setting (Codex, Claude Code, Gemini CLI) */
  AGENT_MODEL_MAX_RETRIES: z.coerce.number().int().min(0, "must be 0 or more, e.g. 2").max(20, "must be at most 20").optional(),
  /** demo mode with AGENT_PRESET=codex|claude-code|gemini|opencode and no AGENT_MODEL_BASE_URL: port of the built-in model sandbox */
  DEMO_MODEL_SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(8930),
  ...agentSandboxSchema.shape,
  // --- Issue 18: repository setup ---
  /** longest run of a repository's `.openhands/setup.sh`, in seconds, before the run fails */
  AGENT_SETUP_TIMEOUT: z.coerce.number().int().min(5, "must be at least 5 seconds, e.g. 600").max(6 * 3600, "must be at most 21600 seconds (6 h)").default(600),
  // --- end issue 18 ---
  /** Cloud API: requests per minute per API key (token bucket: bursts up to this, then this rate) */
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int("must be a whole number of requests per minute, e.g. 120")
    .positive("must be a positive number of requests per minute, e.g. 120")
    .default(120),
  /**
   * GitLab-triggered work: a bot account's personal access token, or a project/group access token.
   * When set, that account writes the comments and merge requests; otherwise the triggering user's
   * own connection does. Needs the `api` scope.
   */
  GITLAB_BOT_TOKEN: z.string().min(8, "must be a GitLab access token with the api scope (glpat-…)").optional(),
  /** hours during which one author gets at most one "you cannot trigger the agent here" reply per issue or MR */
  REFUSAL_REPLY_WINDOW_HOURS: z.coerce.number().int().min(0, "must be 0 or more hours, e.g. 24").max(24 * 365).default(24),
  /** `1` enables the benchmark-only routes (`/api/bench/noop`); never set it in production */
  BENCH_ROUTES: booleanish,
  /** how often every connected user's webhooks are re-synced (installed, adopted, repaired), in minutes */
  HOOKS_SYNC_INTERVAL_MINUTES: z.coerce
    .number()
    .int("must be a whole number of minutes, e.g. 10")
    .min(1, "must be at least 1 minute, e.g. 10")
    .max(1440, "must be at most 1440 minutes (once a day)")
    .refine((m) => m < 60 || m % 60 === 0, "must be below 60 or a whole number of hours (60, 120, …), e.g. 10")
    .default(10),
  /** GitLab requests the webhook sync and status checks keep in flight at once, per user */
  HOOKS_SYNC_CONCURRENCY: z.coerce.number().int("must be a whole number, e.g. 6").min(1, "must be at least 1, e.g. 6").max(32, "must be at most 32").default(6),
  // --- issue 13 ---
  /** days a webhook delivery (and its payload) is kept; a daily job deletes older ones */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int("must be a whole number of days, e.g. 30").min(1, "must be at least 1 day, e.g. 30").max(3650, "must be at most 3650 days").default(30),
  /** `npm start` only: the interface to listen on (default: 127.0.0.1 in the demo, every interface otherwise) */
  LISTEN_HOST: z.string().min(1).optional(),
  // Issue 16: recovery of missed webhook deliveries (lib/webhook-installations/recovery.ts).
  /** how often every installed webhook's missed deliveries are recovered, in minutes (also on start-up) */
  HOOKS_RECOVERY_INTERVAL_MINUTES: z.coerce
    .number()
    .int("must be a whole number of minutes, e.g. 5")
    .min(1, "must be at least 1 minute, e.g. 5")
    .max(1440, "must be at most 1440 minutes (once a day)")
    .refine((m) => m < 60 || m % 60 === 0, "must be below 60 or a whole number of hours (60, 120, …), e.g. 5")
    .default(5),
  /** `0` turns off waking the worker on a new delivery (it then waits for the queue's 0.5 s poll); for the benchmark's baseline */
  JOBS_WAKE_ON_DELIVERY: z
    .enum(["1", "0", "true", "false", "yes", "no", ""])
    .optional()
    .transform((v) => v !== "0" && v !== "false" && v !== "no"),
  /** a missed trigger older than this many hours is answered with a comment instead of a run */
  TRIGGER_STALE_HOURS: z.coerce.number().positive("must be more than 0 hours, e.g. 24").max(24 * 7, "must be at most 168 hours (GitLab keeps 7 days of deliveries)").default(24),
});

export type Env = Omit<z.infer<typeof schema>, "ENCRYPTION_KEY" | "AUTH_SECRET" | "AGENT_RUNTIME"> & {
  AGENT_RUNTIME: "scripted" | "command";
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
      const shown = raw === undefined ? "unset" : name.includes("KEY") || name.includes("SECRET") || name.includes("TOKEN") ? `${raw.length} characters` : JSON.stringify(raw);
      return `${name} ${i.message} (got ${shown})`;
    });
    throw new EnvError(`Invalid configuration: ${lines.join("; ")}`);
  }
  const env = result.data;
  const localMode = !env.DATABASE_URL;
  if (env.GITLAB_CLIENT_ID && !env.GITLAB_CLIENT_SECRET) {
    throw new EnvError("Invalid configuration: GITLAB_CLIENT_SECRET is required when GITLAB_CLIENT_ID is set (the OAuth application's secret)");
  }
  if (env.AGENT_RUNTIME === "command" && !env.AGENT_PRESET) {
    throw new EnvError("Invalid configuration: AGENT_PRESET is required when AGENT_RUNTIME=command (openhands, claude-code, codex, gemini, opencode or custom)");
  }
  if (env.AGENT_PRESET === "custom" && !env.AGENT_COMMAND) {
    throw new EnvError("Invalid configuration: AGENT_COMMAND is required when AGENT_PRESET=custom (a shell command line, e.g. `my-agent --headless`)");
  }
  checkModelEndpoint(env, cleaned);
  const demoMode = demoModeOf(env);
  const AGENT_RUNTIME = agentChoice(env, demoMode);
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
  return { ...env, ENCRYPTION_KEY, AUTH_SECRET, AGENT_RUNTIME, localMode, demoMode };
}

// --- issue 13: demo mode never switches itself on in a deployment; no test agent in production ---

/**
 * `auto` turns the demo on only when nothing says "deployment": no OAuth application AND no
 * DATABASE_URL. A database without an OAuth app is a half-configured deployment, not a demo: it
 * stops here rather than serving a demo GitLab (and its well-known demo password) to the world.
 */
function demoModeOf(env: z.infer<typeof schema>): boolean {
  if (env.DEMO_MODE !== "auto") return env.DEMO_MODE === "on";
  if (env.GITLAB_CLIENT_ID) return false;
  if (env.DATABASE_URL) {
    throw new EnvError(
      "Invalid configuration: DATABASE_URL is set but no GitLab OAuth application is: set GITLAB_CLIENT_ID and GITLAB_CLIENT_SECRET (demo mode is off with a database; DEMO_MODE=on forces it)",
    );
  }
  return true;
}

/**
 * The test agent follows instructions found in issue text (`run: …`), so it must never be what a
 * deployment runs by accident: outside demo mode the agent is chosen explicitly or nothing starts.
 */
function agentChoice(env: z.infer<typeof schema>, demoMode: boolean): "scripted" | "command" {
  if (env.AGENT_RUNTIME) return env.AGENT_RUNTIME;
  if (demoMode) return "scripted";
  throw new EnvError(
    "Invalid configuration: no agent chosen: set AGENT_RUNTIME=command with AGENT_PRESET=openhands, claude-code, codex, gemini, opencode or custom (AGENT_RUNTIME=scripted is the test agent, for tests and the demo only)",
  );
}

/**
 * The CLI presets' model endpoint. The key is named, not given, so it stays out of the app's own
 * settings; it must not name one of them either (the agent process receives the variable it names).
 */
function checkModelEndpoint(env: z.infer<typeof schema>, source: Record<string, string | undefined>): void {
  if (env.AGENT_MODEL_BASE_URL && !env.AGENT_MODEL) {
    throw new EnvError("Invalid configuration: AGENT_MODEL is required when AGENT_MODEL_BASE_URL is set (the model name the endpoint serves, e.g. gpt-5-codex)");
  }
  const keyEnv = env.AGENT_MODEL_API_KEY_ENV;
  if (!keyEnv) return;
  if (keyEnv in schema.shape || keyEnv === "PATH" || keyEnv === "HOME") {
    throw new EnvError(`Invalid configuration: AGENT_MODEL_API_KEY_ENV must not name one of this app's own settings (got ${keyEnv}): the agent receives that variable; use a dedicated one, e.g. OPENAI_API_KEY`);
  }
  if (!source[keyEnv]) {
    throw new EnvError(`Invalid configuration: AGENT_MODEL_API_KEY_ENV names ${keyEnv}, which is not set; set ${keyEnv} to the model endpoint's API key`);
  }
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
