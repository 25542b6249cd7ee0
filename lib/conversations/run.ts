import type { Database } from "@/db/client";
import type { Conversation, ConversationStatus } from "@/db/schema";
import { buildAgentEnv, createAgentHome } from "@/lib/agent/agent-env";
import { urlHostPort } from "@/lib/agent/sandbox/network-policy";
import type { AgentResult, AgentRuntime } from "@/lib/agent/types";
import { cloneWorkspace, type Workspace } from "@/lib/agent/workspace";
import type { CipherKit } from "@/lib/crypto";
import { getAccessToken, type OAuthConfigSource } from "@/lib/gitlab/tokens";
import { log } from "@/lib/log";
import { Redactor, runSecrets } from "@/lib/redaction";
import { getAgentSecrets } from "@/lib/secrets/queries";
import { getUserById } from "@/lib/users/queries";
import { applyChanges, carriesSecret, changedBetween, diffBetween, headSha, SECRET_NOT_KEPT } from "./changes";
import { clearChanges, getChanges, saveChanges } from "./queries";
import { AGENT_AUTHOR } from "./agent-author";
import { publishIfRequested } from "./auto-publish";
import type { RunEnqueuer } from "./enqueue";
import { appendEvent, listEventsOfKinds } from "./events";
import { finalizeRun, type FinalizeInput } from "./finalize";
import { runSetupScript, SETUP_SCRIPT } from "@/lib/agent/setup-script";
import { buildPrompt } from "./prompt";
import { describeInstructions, readRepositoryInstructions, withRepositoryInstructions } from "./repo-instructions";
import { describeRunError } from "./run-errors";
import type { RunContext, RunLifecycle, RunLifecycles } from "./run-lifecycle";
import { startRunMonitor } from "./run-monitor";
import { transitionStatus } from "./status";

export interface RunDeps {
  oauth: OAuthConfigSource;
  runtime: AgentRuntime;
  timeoutMs: number;
  heartbeatMs: number;
  cancelPollMs?: number;
  enqueue: RunEnqueuer;
  /** public URL of the app, linked from commit messages */
  appUrl: string;
  /** parent directory of workspaces and agent homes (default: the OS temp dir) */
  workDir?: string;
  cipher?: CipherKit;
  /** issue 18: time limit of the repository's setup script (AGENT_SETUP_TIMEOUT; default 600 s) */
  setupTimeoutMs?: number;
  /** what GitLab-triggered conversations do around the run (lib/resolver/run-lifecycle; `{}` for none) */
  lifecycles: RunLifecycles;
}

// In its own module so publish.ts (which run.ts reaches through auto-publish.ts) need not import run.ts.
export { AGENT_AUTHOR };

type StopReason = "cancelled" | "shutdown" | "lost";

/** How long past AGENT_TIMEOUT a runtime may take to return before the run gives up on it. */
const HARD_DEADLINE_MARGIN_MS = 30_000;

export type RunReport = { skipped: true } | { skipped: false; status: ConversationStatus | null };

/**
 * One `agent.run`: claim the queued conversation, clone, run the agent, keep its work, end in a
 * terminal status. Whatever happens, the conversation never stays `starting`/`running` and the
 * workspace is deleted. Pushing is not part of a run for app/API conversations: their work is kept
 * as a diff (see changes.ts) and pushed when the user asks, so a question or an experiment never
 * leaves a branch behind on GitLab. GitLab-triggered conversations push from their lifecycle's `finish`.
 */
export async function runConversation(db: Database, conversationId: string, deps: RunDeps, shutdown: AbortSignal): Promise<RunReport> {
  const claimed = await transitionStatus(db, conversationId, "starting", { from: ["queued"], patch: { runtime: deps.runtime.id } });
  // Not queued any more (a duplicate job, or cancelled before a worker got to it): nothing to do.
  if (!claimed) return { skipped: true };
  return { skipped: false, status: await new ConversationRun(db, claimed, deps, shutdown).execute() };
}

class ConversationRun {
  private readonly controller = new AbortController();
  private stopReason: StopReason | null = null;
  private readonly lifecycle: RunLifecycle | undefined;
  private token: string | undefined;
  private baseUrl = "";
  private secrets: Record<string, string> = {};
  /** until the owner's token and secrets are known: the deployment's own and the known shapes */
  private redactor = new Redactor(runSecrets({}));
  private workspace: Workspace | undefined;
  private finishCalled = false;
  private lastUserSeq = Number.MAX_SAFE_INTEGER;
  private readonly onShutdown = () => this.stop("shutdown");

  constructor(
    private readonly db: Database,
    private conversation: Conversation,
    private readonly deps: RunDeps,
    private readonly shutdown: AbortSignal,
  ) {
    this.lifecycle = deps.lifecycles[conversation.trigger];
    if (shutdown.aborted) this.stop("shutdown");
    // Removed when the run ends: the worker's shutdown signal outlives every run it starts.
    shutdown.addEventListener("abort", this.onShutdown, { once: true });
  }

  private stop(reason: StopReason) {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.controller.abort(new Error(reason));
  }

  private get id() {
    return this.conversation.id;
  }

  async execute(): Promise<ConversationStatus | null> {
    const monitor = startRunMonitor(this.db, this.id, {
      heartbeatMs: this.deps.heartbeatMs,
      cancelPollMs: this.deps.cancelPollMs,
      onCancel: () => this.stop("cancelled"),
      onLost: () => this.stop("lost"),
    });
    let home: Awaited<ReturnType<typeof createAgentHome>> | undefined;
    try {
      home = await createAgentHome(this.deps.workDir);
      const ended = await finalizeRun(this.db, this.id, await this.work(home.dir), this.deps.enqueue);
      await publishIfRequested(this.db, ended, { oauth: this.deps.oauth, appUrl: this.deps.appUrl, workDir: this.deps.workDir, cipher: this.deps.cipher });
      return ended?.status ?? null;
    } catch (err) {
      return (await this.fail(err))?.status ?? null;
    } finally {
      this.shutdown.removeEventListener("abort", this.onShutdown);
      await monitor.stop();
      await this.workspace?.cleanup().catch((err: unknown) => log.warn("workspace cleanup failed", { conversationId: this.id, err }));
      await home?.cleanup().catch(() => undefined);
    }
  }

  private throwIfStopped() {
    if (this.stopReason) throw new Error(`run stopped: ${this.stopReason}`);
  }

  private context(): RunContext {
    return { db: this.db, conversation: this.conversation, token: this.token ?? "", baseUrl: this.baseUrl, signal: this.controller.signal, redactor: this.redactor };
  }

  private async work(home: string): Promise<FinalizeInput> {
    const { db, conversation: conv, deps } = this;
    const user = await getUserById(db, conv.userId);
    if (!user) throw new Error("The owner of this conversation no longer exists.");
    this.token = await getAccessToken(db, conv.userId, { oauth: deps.oauth, cipher: deps.cipher });
    this.baseUrl = (typeof deps.oauth === "function" ? await deps.oauth() : deps.oauth).baseUrl.replace(/\/+$/, "");
    this.secrets = await getAgentSecrets(db, conv.userId, { cipher: deps.cipher });
    this.redactor = new Redactor(runSecrets({ oauthToken: this.token, secrets: this.secrets }));
    const prep = (await this.lifecycle?.prepare?.(this.context())) ?? {};
    this.throwIfStopped();

    // App/API conversations continue from their unpushed work, or from their pushed branch.
    const pending = this.lifecycle ? null : await getChanges(db, this.id);
    const cloneBranch = prep.cloneBranch ?? pending?.baseBranch ?? conv.pushedBranch ?? conv.branch;
    const cloneProjectPath = prep.cloneProjectPath ?? conv.projectPath;
    await appendEvent(db, this.id, { kind: "status", text: `Cloning ${cloneProjectPath} at ${cloneBranch}` });
    const ws = await cloneWorkspace({
      repoUrl: `${this.baseUrl}/${cloneProjectPath}.git`,
      branch: cloneBranch,
      credentials: { token: this.token },
      rootDir: deps.workDir,
      signal: this.controller.signal,
    });
    this.workspace = ws;
    if (pending) {
      await applyChanges(ws, home, pending.patch);
      await ws.commitAll(this.redactor.text("Earlier changes of this conversation"), AGENT_AUTHOR);
    }
    if (prep.workBranch) prep.workBranch = this.redactor.branchName(prep.workBranch);
    if (prep.workBranch && prep.workBranch !== ws.branch) {
      await ws.checkoutNewBranch(this.redactor.branchName(prep.workBranch));
      this.conversation = { ...this.conversation, workBranch: prep.workBranch };
    }
    const startSha = await headSha(ws, home);
    this.throwIfStopped();

    const running = await transitionStatus(db, this.id, "running", { from: ["starting"], patch: prep.workBranch ? { workBranch: prep.workBranch } : {} });
    if (!running) throw new Error("run stopped: lost");
    this.conversation = running;
    const history = await listEventsOfKinds(db, this.id, ["user_message", "result"]);
    const built = buildPrompt(conv, history, prep.promptContext, prep.appInstructions);
    this.lastUserSeq = built.lastUserSeq;
    const redactor = this.redactor;
    // Issue 18: the repository's instruction files go in front of the prompt, and the timeline says which.
    const instructions = await readRepositoryInstructions(ws.dir, deps.runtime.id);
    if (instructions.length > 0) await appendEvent(db, this.id, redactor.event({ kind: "status", text: describeInstructions(instructions) }));
    const prompt = withRepositoryInstructions(built.prompt, instructions);
    const env = buildAgentEnv({ secrets: this.secrets, oauthToken: this.token, home });
    // Issue 18: the repository's setup script, in the agent's sandbox, before the agent; a failure fails the run.
    const setupFailure = await this.runSetup(ws.dir, env);
    if (setupFailure) return this.conclude({ outcome: "failed", summary: setupFailure, error: setupFailure }, ws, home, startSha, cloneBranch, user.name);
    const result = await this.withHardDeadline(
      deps.runtime.run(
        // The run's sandbox may reach its GitLab instance (issue 12); nothing else of this host.
        { workspaceDir: ws.dir, prompt, env, conversationId: this.id, signal: this.controller.signal, timeoutMs: deps.timeoutMs, networkAllow: [urlHostPort(this.baseUrl)] },
        async (event) => {
          await appendEvent(db, this.id, redactor.event(event));
        },
      ),
    );
    return this.conclude(result, ws, home, startSha, cloneBranch, user.name);
  }

  /** Runs `.openhands/setup.sh` when the checkout has one; returns why it failed, or null. */
  private async runSetup(dir: string, env: Record<string, string>): Promise<string | null> {
    const setup = await runSetupScript({
      workspaceDir: dir,
      env,
      networkAllow: [urlHostPort(this.baseUrl)],
      timeoutMs: this.deps.setupTimeoutMs ?? 600_000,
      signal: this.controller.signal,
    });
    if (!setup.ran) return null;
    const { ok, exitCode, output, truncated, durationMs, timedOut } = setup;
    await appendEvent(this.db, this.id, this.redactor.event({ kind: "setup", script: SETUP_SCRIPT, ok, exitCode, output, truncated, durationMs, timedOut }));
    this.throwIfStopped();
    return setup.reason;
  }

  /**
   * Runtimes enforce the time limit themselves; this is the backstop for one that does not return
   * (a bug), so a conversation can never stay `running` with a live heartbeat for ever.
   */
  private async withHardDeadline(run: Promise<AgentResult>): Promise<AgentResult> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.controller.abort(new Error("deadline"));
        reject(new Error(`the agent did not stop ${Math.round(this.deps.timeoutMs / 1000)} s after starting, even when told to`));
      }, this.deps.timeoutMs + HARD_DEADLINE_MARGIN_MS);
    });
    try {
      return await Promise.race([run, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turn the agent's result into the conversation's end state, keeping or handing over its work. */
  private async conclude(result: AgentResult, ws: Workspace, home: string, startSha: string, cloneBranch: string, userName: string): Promise<FinalizeInput> {
    const stopped = this.stopReason;
    const failure =
      stopped === "cancelled"
        ? { status: "cancelled" as const, reason: "cancelled by the user" }
        : stopped
          ? { status: "failed" as const, reason: "interrupted" }
          : result.timedOut
            ? { status: "failed" as const, reason: `timed out after ${Math.round(this.deps.timeoutMs / 1000)} s` }
            : result.outcome === "failed"
              ? { status: "failed" as const, reason: result.error || result.summary || "the agent failed" }
              : null;
    if (failure && stopped === "lost") {
      // The sweeper already ended this conversation ("interrupted"); add nothing after its verdict.
      return { status: "failed", reason: "interrupted", lastUserSeq: this.lastUserSeq, patch: {} };
    }
    if (failure) {
      const message = this.redactor.text(failure.reason);
      const outcome = failure.status === "cancelled" ? "cancelled" : result.timedOut && !stopped ? "timed_out" : "failed";
      // Work done before the failure or cancel is kept, so the user can still push it (issue 17).
      const changedFiles = await this.keepPartialWork(ws, home, startSha, cloneBranch);
      await this.callFinish({ ...result, outcome: "failed", error: message }, null);
      // The reason is recorded once, on the result; the summary is what the agent itself said.
      const summary = this.redactor.text(result.summary && result.summary !== result.error ? result.summary : "");
      await appendEvent(this.db, this.id, { kind: "result", outcome, summary: summary || message, changedFiles: changedFiles.map((f) => this.redactor.text(f)), ...this.upTo() });
      return { status: failure.status, reason: message, lastUserSeq: this.lastUserSeq, patch: { outcome, error: message, summary: summary || null } };
    }

    const message = `${this.conversation.title || "Changes by the agent"}\n\nMade by the OpenHands agent for ${userName}.\nConversation: ${this.deps.appUrl}/conversations/${this.id}`;
    await ws.commitAll(this.redactor.text(message), AGENT_AUTHOR);
    const head = await headSha(ws, home);
    const changedFiles = await changedBetween(ws, home, startSha, head);
    const outcome = result.outcome === "resolved" && changedFiles.length === 0 ? "answered" : result.outcome;
    let summary = result.summary || (changedFiles.length > 0 ? `Changed ${changedFiles.length} file(s).` : "The agent finished without changing files.");
    const patch: FinalizeInput["patch"] = {};
    if (this.lifecycle) {
      const out = await this.callFinish({ ...result, outcome }, changedFiles.length > 0 ? head : null);
      if (out?.summary) summary = out.summary;
      if (out?.pushedBranch !== undefined) patch.pushedBranch = out.pushedBranch;
      if (out?.mergeRequestUrl !== undefined) patch.mergeRequestUrl = out.mergeRequestUrl;
    } else if (head !== ws.baseSha) {
      await this.storeChanges(ws, home, cloneBranch, head);
    } else {
      await clearChanges(this.db, this.id);
    }
    summary = this.redactor.text(summary);
    // File names are the agent's choice: a file named after the token must not show it (attack 13).
    await appendEvent(this.db, this.id, { kind: "result", outcome, summary, changedFiles: changedFiles.map((f) => this.redactor.text(f)), ...this.upTo() });
    return { status: "finished", lastUserSeq: this.lastUserSeq, patch: { ...patch, outcome, summary, error: null } };
  }

  /**
   * An app/API conversation's unpushed work, stored for Push branch / Open merge request. Work that
   * carries one of the run's secrets is not kept at all (attack 13): storing it would put the secret
   * in the database unencrypted, and pushing it would carry it to GitLab.
   */
  private async storeChanges(ws: Workspace, home: string, cloneBranch: string, head: string): Promise<void> {
    const allFiles = await changedBetween(ws, home, ws.baseSha, head);
    const pendingPatch = await diffBetween(ws, home, ws.baseSha, head);
    if (carriesSecret(pendingPatch, allFiles, this.redactor)) {
      await appendEvent(this.db, this.id, { kind: "error", message: SECRET_NOT_KEPT });
      await clearChanges(this.db, this.id);
    } else {
      await saveChanges(this.db, this.id, { baseBranch: cloneBranch, baseSha: ws.baseSha, patch: pendingPatch, files: allFiles });
    }
  }

  /**
   * A failed or cancelled run's partial work: committed in the workspace, and for app/API
   * conversations stored like a finished run's (changes.ts), so Push branch still works. Keeping it
   * must never hide the original failure, so its own errors only cost the list of files.
   */
  private async keepPartialWork(ws: Workspace, home: string, startSha: string, cloneBranch: string): Promise<string[]> {
    try {
      const head = (await ws.commitAll(this.redactor.text(`${this.conversation.title || "Changes by the agent"} (partial: the run did not finish)`), AGENT_AUTHOR)) ?? (await headSha(ws, home));
      const changedFiles = await changedBetween(ws, home, startSha, head);
      if (!this.lifecycle && head !== ws.baseSha) await this.storeChanges(ws, home, cloneBranch, head);
      return changedFiles;
    } catch (err) {
      log.warn("could not keep the partial work of a failed run", { conversationId: this.id, err: this.loggable(err) });
      return [];
    }
  }

  /** which user messages this run handled (unknown when it failed before building its prompt) */
  private upTo(): { upToSeq?: number } {
    return this.lastUserSeq === Number.MAX_SAFE_INTEGER ? {} : { upToSeq: this.lastUserSeq };
  }

  private async callFinish(result: AgentResult, committedSha: string | null) {
    if (!this.lifecycle?.finish || !this.workspace || this.finishCalled) return undefined;
    this.finishCalled = true;
    try {
      // Redacted before the lifecycle clips them for a comment: a clip through a token leaves a part
      // that no redaction recognises afterwards (attack 13).
      const safe = { ...result, summary: this.redactor.text(result.summary), error: result.error === undefined ? undefined : this.redactor.text(result.error) };
      return await this.lifecycle.finish({ ...this.context(), workspace: this.workspace }, { ...safe, committedSha });
    } catch (err) {
      log.error("run lifecycle finish threw", { conversationId: this.id, err: this.loggable(err) });
      return undefined;
    }
  }

  /**
   * An error for the log. The log's own redaction knows only credential shapes; an error may quote
   * what the agent made (a file name carrying an encoded token, attack 13), so the run's redactor
   * goes over it first.
   */
  private loggable(err: unknown): { name: string; message: string } | string {
    return err instanceof Error ? { name: err.name, message: this.redactor.text(err.message) } : this.redactor.text(String(err));
  }

  /** Any exception: record it, tell the lifecycle, and end the conversation failed (or cancelled). */
  private async fail(err: unknown) {
    const stopped = this.stopReason;
    const status = stopped === "cancelled" ? ("cancelled" as const) : ("failed" as const);
    const reason = stopped === "cancelled" ? "cancelled by the user" : stopped ? "interrupted" : this.redactor.text(describeRunError(err));
    if (!stopped) log.warn("agent run failed", { conversationId: this.id, err: this.loggable(err) });
    if (stopped === "lost") return null;
    try {
      if (this.workspace && this.lifecycle?.finish && !this.finishCalled) {
        await this.callFinish({ outcome: "failed", summary: reason, error: reason, cancelled: status === "cancelled" }, null);
      } else if (!this.finishCalled) {
        await this.lifecycle?.abort?.({ ...this.context(), token: this.token }, reason).catch((e: unknown) => log.error("run lifecycle abort threw", { conversationId: this.id, err: e }));
      }
      const outcome = status === "cancelled" ? ("cancelled" as const) : ("failed" as const);
      await appendEvent(this.db, this.id, { kind: "result", outcome, summary: reason, changedFiles: [], ...this.upTo() });
      return await finalizeRun(this.db, this.id, { status, reason, lastUserSeq: this.lastUserSeq, patch: { outcome, error: reason, summary: null } }, this.deps.enqueue);
    } catch (inner) {
      // Last resort (the database itself failing): the sweeper will mark the run interrupted.
      log.error("could not record the failed run", { conversationId: this.id, err: inner });
      return null;
    }
  }
}
