"use server";

import type { FormAction } from "@/lib/http/server-action";
import { apiKeyAction, type ApiKeyActionState } from "./api-key-action";

export type DeleteApiKeyState = ApiKeyActionState;

/** Deletes a revoked or expired key of the signed-in user; ownership and state are re-checked in the query. */
export const deleteApiKeyAction: FormAction<DeleteApiKeyState> = apiKeyAction("delete");
