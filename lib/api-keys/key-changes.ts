import { z } from "zod";
import type { Database } from "@/db/client";
import { AppError } from "@/lib/http/app-error";
import { deleteApiKey, revokeApiKey, type ApiKeySummary } from "./keys";

/** The id a revoke or delete form sends. It comes from the browser: ownership is re-checked in the query. */
export const apiKeyRefInput = z.object({ id: z.uuid("Unknown key") });
export const API_KEY_NOT_FOUND = "That key does not exist.";

export type ApiKeyChange = "revoke" | "delete";

const changes: Record<ApiKeyChange, { apply: (db: Database, ref: { id: string; userId: string }) => Promise<ApiKeySummary | null>; refused: string; done: (name: string) => string }> = {
  revoke: {
    apply: revokeApiKey,
    refused: API_KEY_NOT_FOUND,
    done: (name) => `Revoked "${name}". Requests with it are refused from now on.`,
  },
  delete: {
    apply: deleteApiKey,
    // Another user's key reads the same as an active one of yours: neither is deleted, neither is confirmed to exist.
    refused: "Only a revoked or expired key of yours can be deleted. Revoke it first.",
    done: (name) => `Deleted "${name}".`,
  },
};

/**
 * Revokes or deletes one of the user's keys (the two buttons of a key's row on Settings › API
 * Keys) and says what happened. A key that is not theirs, or cannot take the change, is a 404.
 */
export async function changeApiKey(db: Database, change: ApiKeyChange, ref: { id: string; userId: string }): Promise<{ message: string }> {
  const { apply, refused, done } = changes[change];
  const key = await apply(db, ref);
  if (!key) throw new AppError("api_key_not_found", 404, refused);
  return { message: done(key.name) };
}
