import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import type { Database } from "@/db/client";
import type { User } from "@/db/schema";
import { currentUser } from "@/lib/auth/current-user";
import { log } from "@/lib/log";
import { shapeRedactor } from "@/lib/redaction";
import { toAppError } from "./app-error";

/**
 * The one wrapper for server actions (the route handlers' `withUser` has its twin in route.ts).
 * `authAction` resolves the signed-in user, zod-parses the form, runs the handler and turns every
 * failure into the state the form shows, never an error page:
 * - no session: `{ status: "error", code: "unauthenticated" }`;
 * - invalid input: `{ status: "error", fieldErrors }` naming each field;
 * - a known error (AppError of lib/, GitLab's errors, NeedsReauthError): its code and message;
 * - anything else: a generic message (the error's own text may quote internals), logged.
 * Next's own control-flow errors (`redirect()`, `notFound()`) are thrown again, as Next requires.
 * Server actions are public endpoints: the page that shows the form protects nothing, so every
 * action re-checks its user here, and ownership of every id in lib/ (scoped to `ctx.user`).
 */

export type FieldErrors = Record<string, string[] | undefined>;

/** What a form action returns; the form's `useActionState` starts it at `{ status: "idle" }`. */
export interface ActionState {
  status: "idle" | "success" | "error";
  message?: string;
  /** stable, for the UI to switch on (`needs_reauth` shows "Reconnect GitLab") */
  code?: string;
  fieldErrors?: FieldErrors;
}

/** The signature `useActionState` calls; each action file names its state with it. */
export type FormAction<S extends ActionState> = (prev: S, formData: FormData) => Promise<S>;

export interface ActionContext {
  user: User;
  db: Database;
}

type FormSchema = z.ZodObject;
/** The form's fields as sent, one string per key of the schema (a missing field is ""). */
export type RawFields<S extends FormSchema> = { [K in keyof S["shape"]]: string };
/** What a handler returns on success, besides `status`. */
type Done = { message?: string; status?: never };
/** A handler that only redirects returns `never`: its state has nothing more. */
type Extra<T> = [T] extends [never] ? unknown : Partial<T>;
export type ActionResult<D, K> = ActionState & Extra<D> & Extra<K>;

export interface ActionOptions<S extends FormSchema, K> {
  /** for the log line of an unexpected failure: "<name> failed" */
  name?: string;
  /** the message of an invalid form; defaults to "Check the form." */
  invalid?: string | ((fieldErrors: FieldErrors) => string);
  /**
   * Fields put back into the form on any error (the draft of a message, a secret's name). Never a
   * secret's value: what this returns is sent to the browser again.
   */
  keep?: (raw: RawFields<S>) => K;
}

export const SESSION_ENDED = { status: "error", code: "unauthenticated", message: "Your session ended. Sign in again." } as const satisfies ActionState;

/**
 * A server action for a signed-in user: `(prevState, formData) => state`, the shape
 * `useActionState` calls. The handler gets the parsed input, the user and the database.
 */
export function authAction<S extends FormSchema, D extends Done, K extends object = never>(
  schema: S,
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<D>,
  options: ActionOptions<S, K> = {},
): (prev: unknown, formData: FormData) => Promise<ActionResult<D, K>> {
  return async (_prev, formData) => {
    const raw = readFields(schema, formData);
    const kept = options.keep?.(raw);
    let userId: string | undefined;
    try {
      const user = await currentUser();
      if (!user) return { ...kept, ...SESSION_ENDED } as ActionResult<D, K>;
      userId = user.id;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { ...kept, ...invalidState(parsed.error, options.invalid) } as ActionResult<D, K>;
      const { db } = await getDb();
      const done = await handler(parsed.data, { user, db });
      return { ...done, status: "success" } as ActionResult<D, K>;
    } catch (err) {
      // redirect() and notFound() work by throwing; swallowing them would break the navigation.
      unstable_rethrow(err);
      return { ...kept, ...errorState(err, options.name, userId) } as ActionResult<D, K>;
    }
  };
}

/**
 * A server action that needs no user (sign-in, sign-out): a plain form action. It has no state to
 * show an error in, so a failure goes to Next's error page, as the mapped message (never the raw
 * error's text) and logged when unexpected.
 */
export function publicAction<S extends FormSchema>(
  schema: S,
  handler: (input: z.output<S>) => Promise<void>,
  options: Pick<ActionOptions<S, never>, "name"> = {},
): (formData: FormData) => Promise<void> {
  return async (formData) => {
    try {
      await handler(schema.parse(readFields(schema, formData)));
    } catch (err) {
      unstable_rethrow(err);
      throw new Error(errorState(err, options.name).message);
    }
  };
}

function readFields<S extends FormSchema>(schema: S, formData: FormData): RawFields<S> {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = formData.get(key);
    // Files are never expected; one in a text field reads as empty, not as "[object File]".
    raw[key] = typeof value === "string" ? value : "";
  }
  return raw as RawFields<S>;
}

/** Field messages come from our schemas; they pass the redactor anyway, as everything shown does. */
function redactFieldErrors(fieldErrors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(fieldErrors).map(([k, msgs]) => [k, msgs?.map((m) => shapeRedactor.text(m))]));
}

function invalidState(error: z.ZodError, invalid: ActionOptions<FormSchema, never>["invalid"]): ActionState {
  const fieldErrors = redactFieldErrors(z.flattenError(error).fieldErrors as FieldErrors);
  const message = typeof invalid === "function" ? invalid(fieldErrors) : (invalid ?? "Check the form.");
  return { status: "error", code: "invalid_input", message, fieldErrors };
}

const fieldErrorsSchema = z.record(z.string(), z.array(z.string()));

/** Maps a thrown error to the form's state; the same mapping as route handlers (toAppError). */
export function errorState(err: unknown, name = "server action", userId?: string): ActionState & { status: "error"; message: string } {
  const e = toAppError(err);
  // Unknown errors are 500s with a generic message; GitLab's 5xx and outages keep theirs (they say
  // what happened and carry no internals) but are logged too.
  if (e.status >= 500) log.error(`${name} failed`, { userId, err });
  // A domain error may name the fields it is about (a duplicate secret's name): shown beside them.
  const details = fieldErrorsSchema.safeParse(e.details);
  // A message may quote GitLab's answer or a path; credential shapes never reach the browser.
  return {
    status: "error",
    code: e.code,
    message: shapeRedactor.text(e.message),
    ...(details.success ? { fieldErrors: redactFieldErrors(details.data) } : {}),
  };
}
