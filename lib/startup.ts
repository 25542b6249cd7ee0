import { EnvError } from "./env";

/**
 * Start-up errors a person can fix (bad env, unreachable database) become one line on stderr and
 * exit code 1, instead of a stack trace.
 */
export function startupFailure(err: unknown): never {
  const actionable = err instanceof EnvError || (err instanceof Error && err.name === "DatabaseUnavailableError");
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${actionable ? "" : "Start-up failed: "}${message}\n`);
  if (!actionable && err instanceof Error && process.env.LOG_LEVEL === "debug") process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}
