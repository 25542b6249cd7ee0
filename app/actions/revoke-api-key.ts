"use server";

import type { FormAction } from "@/lib/http/server-action";
import { apiKeyAction, type ApiKeyActionState } from "./api-key-action";

export type RevokeApiKeyState = ApiKeyActionState;

/** Revokes one of the signed-in user's keys; the id comes from the client, so ownership is re-checked in the query. */
export const revokeApiKeyAction: FormAction<RevokeApiKeyState> = apiKeyAction("revoke");
