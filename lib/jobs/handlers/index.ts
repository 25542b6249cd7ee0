import type { HandlerMap } from "../worker";
import { hooksRecover } from "./webhook-recovery";
import { hooksSweep, hooksSync } from "./webhook-installations-sync";
import { systemProbe } from "./system-probe";
import { agentRun } from "./agent-run";
import { webhookProcess } from "./webhook-process";
import { webhooksRetention } from "./webhook-retention";

/** Every job handler the worker runs. */
export const handlers: HandlerMap = {
  "system.probe": systemProbe,
  "agent.run": agentRun,
  "webhook.process": webhookProcess,
  "hooks.sync": hooksSync,
  "hooks.sweep": hooksSweep,
  "webhooks.retention": webhooksRetention,
  "hooks.recover": hooksRecover,
};
