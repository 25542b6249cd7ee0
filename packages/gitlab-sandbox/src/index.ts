// The GitLab sandbox: an in-memory stand-in for GitLab (OAuth, REST v4, git over HTTP, webhooks),
// started in-process for tests, benchmarks and the demo. See README.md.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App, SandboxConfig } from "./context";
import { Faults, RateLimiter } from "./faults";
import { RepoManager } from "./repos";
import { applySeed, type SeedInput, type SeedResult } from "./seed";
import { commitAsPush, type CommitRequest } from "./commits";
import { createRequestHandler } from "./server";
import { RequestStats, type StatsSnapshot } from "./stats";
import { Store } from "./store";
import { WebhookEngine, type DeliveryRecord } from "./webhook-delivery";

export type { SeedInput, SeedResult } from "./seed";
export type { DeliveryRecord } from "./webhook-delivery";
export type { StatsSnapshot } from "./stats";
export type { SandboxConfig } from "./context";
export type { Hook } from "./store";

export interface StartSandboxOptions {
  port?: number;
  host?: string;
  /** OAuth access token lifetime; GitLab's is 7200 s. */
  accessTokenTtlSeconds?: number;
  /** Base URL used in web_url fields and X-Gitlab-Instance, when the sandbox sits behind a proxy. */
  publicUrl?: string;
  /** Webhook request timeout; GitLab.com uses 10 s. */
  webhookTimeoutMs?: number;
  freeTierGroupHooks?: SandboxConfig["freeTierGroupHooks"];
}

export type CommitFilesOptions = CommitRequest;

export interface Sandbox {
  url: string;
  store: Store;
  app: App;
  config: SandboxConfig;
  seed(input: SeedInput): Promise<SeedResult>;
  /** Creates a branch in a project's repository (project id or full path), like POST …/repository/branches. */
  createBranch(project: string | number, branch: string, ref: string): Promise<void>;
  /** Commits files (null deletes) to a branch as `author` (default: the project creator), with the effects of a push. */
  commitFiles(project: string | number, opts: CommitFilesOptions): Promise<{ branch: string; sha: string }>;
  reset(): Promise<void>;
  deliveries(): DeliveryRecord[];
  /** Resolves once every queued webhook delivery has been attempted. */
  settleDeliveries(): Promise<void>;
  requestStats(): StatsSnapshot;
  resetRequestStats(): void;
  close(): Promise<void>;
}

function defaultConfig(opts: StartSandboxOptions): SandboxConfig {
  return {
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 7200,
    webhookTimeoutMs: opts.webhookTimeoutMs ?? 10_000,
    freeTierGroupHooks: opts.freeTierGroupHooks ?? "accept",
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? "127.0.0.1";
  const tmp = await mkdtemp(join(tmpdir(), "gitlab-sandbox-"));
  const store = new Store();
  const config = defaultConfig(opts);
  const app: App = {
    store, config, baseUrl: opts.publicUrl?.replace(/\/+$/, "") ?? "",
    repos: new RepoManager(join(tmp, "repos"), store), stats: new RequestStats(), faults: new Faults(), rateLimiter: new RateLimiter(), background: new Set(),
    webhooks: new WebhookEngine({ store, config, get baseUrl() { return app.baseUrl; } }),
  };
  await app.repos.init();

  const reset = async (): Promise<void> => {
    await Promise.allSettled([...app.background]);
    await app.webhooks.reset();
    await app.repos.clear();
    store.clear();
    app.faults.clear();
    app.rateLimiter.configure(null);
    app.stats.reset();
    Object.assign(config, defaultConfig(opts));
  };

  const server = createServer(createRequestHandler(app, { reset }));
  server.keepAliveTimeout = 5000;
  let address: AddressInfo;
  try {
    address = await listen(server, opts.port ?? 0, host);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  if (!app.baseUrl) app.baseUrl = url;

  let closed: Promise<void> | null = null;
  return {
    url, store, app, config,
    seed: (input) => applySeed(app, input),
    async createBranch(projectRef, branch, ref) {
      const project = store.findProject(String(projectRef));
      if (!project) throw new Error(`unknown project ${projectRef}`);
      const created = await app.repos.createBranch(project, branch, ref);
      if (!created) throw new Error(`unknown ref ${ref} in ${project.fullPath}`);
      project.hasCommits = true;
    },
    commitFiles: (projectRef, o) => commitAsPush(app, projectRef, o),
    reset,
    deliveries: () => app.webhooks.list(),
    settleDeliveries: () => app.webhooks.idle(),
    requestStats: () => app.stats.snapshot(),
    resetRequestStats: () => app.stats.reset(),
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Post-push work may still be running git in the repos (and may queue a webhook).
        await Promise.allSettled([...app.background]);
        await app.webhooks.close();
        await app.repos.destroy();
        await rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      })();
      return closed;
    },
  };
}
