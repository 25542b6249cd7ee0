import type { ModelSandbox } from "@gitlab-agent/model-sandbox";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";

const key = Symbol.for("gitlab-agent.demo-model-sandbox");
type Started = { baseUrl: string; sandbox: ModelSandbox | null };
type G = typeof globalThis & { [key]?: Promise<Started> };

/**
 * Demo mode with AGENT_PRESET=codex and no AGENT_MODEL_BASE_URL: the model sandbox (a scripted model
 * endpoint that follows the test agent's plain instructions) runs inside this process on
 * DEMO_MODEL_SANDBOX_PORT, so the demo shows the real Codex CLI at work with no model account.
 * When another process of the same deployment already serves that port, its sandbox is used.
 *
 * The model sandbox is imported lazily (not to break a cycle): outside this demo setup the test
 * stand-in is never loaded.
 */
export function startDemoModelSandbox(): Promise<{ baseUrl: string }> {
  const g = globalThis as G;
  g[key] ??= (async () => {
    const port = getEnv().DEMO_MODEL_SANDBOX_PORT;
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const { startModelSandbox } = await import("@gitlab-agent/model-sandbox");
    try {
      const sandbox = await startModelSandbox({ port, host: "127.0.0.1" });
      log.info("demo model sandbox ready", { baseUrl });
      return { baseUrl, sandbox };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      log.info("demo model sandbox already served by another process", { baseUrl });
      return { baseUrl, sandbox: null };
    }
  })().catch((err: unknown) => {
    delete g[key];
    throw err;
  });
  return g[key].then(({ baseUrl }) => ({ baseUrl }));
}

/** Stops this process's demo model sandbox, if it started one (tests). */
export async function stopDemoModelSandbox(): Promise<void> {
  const g = globalThis as G;
  const started = await g[key]?.catch(() => null);
  delete g[key];
  await started?.sandbox?.close();
}
