import { log } from "@/lib/log";
import type { User } from "@/db/schema";
import { currentUser } from "@/lib/auth/current-user";
import { AppError, errorResponse, toAppError } from "./app-error";
import { assertJsonBody, assertSameOrigin, isStateChanging } from "./same-origin";

type Handler<C> = (req: Request, ctx: C & { user: User }) => Promise<Response>;

/**
 * The one wrapper for session-authenticated route handlers: resolves the user (401 otherwise) and
 * renders every thrown error as `{ error: { code, message } }`. Every state-changing method is
 * first checked for same origin and a JSON body (same-origin.ts), before the session is even read,
 * so no handler can forget it.
 */
export function withUser<C extends { params: Promise<Record<string, string>> }>(handler: Handler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      if (isStateChanging(req)) {
        assertSameOrigin(req);
        assertJsonBody(req);
      }
      const user = await currentUser();
      if (!user) throw new AppError("unauthenticated", 401, "Sign in to continue.");
      return await handler(req, { ...ctx, user });
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500) log.error("route failed", { path: new URL(req.url).pathname, err });
      return errorResponse(appError);
    }
  };
}
