"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { launchConversation, MAX_TASK_CHARS, TASK_REQUIRED } from "@/lib/conversations/launch";
import { toAppError } from "@/lib/http/app-error";

const schema = z.object({
  projectId: z.coerce.number().int().positive({ message: "Choose a repository" }),
  branch: z.string().trim().min(1, "Choose a branch").max(255),
  // A launch without a task would run the agent (with a real model: a paid run) for nothing.
  message: z.string({ error: TASK_REQUIRED }).trim().min(1, TASK_REQUIRED).max(MAX_TASK_CHARS, "Keep the task under 20,000 characters."),
});

export type LaunchState = { status: "idle" | "error"; message?: string; code?: string; fieldErrors?: Record<string, string[] | undefined> };

export async function launchConversationAction(_prev: LaunchState, formData: FormData): Promise<LaunchState> {
  const user = await currentUser();
  if (!user) return { status: "error", code: "unauthenticated", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors;
    return { status: "error", message: fieldErrors.message?.[0] ?? "Check the form.", fieldErrors };
  }
  let id: string;
  try {
    const { db } = await getDb();
    id = (await launchConversation(db, { userId: user.id, repository: parsed.data.projectId, branch: parsed.data.branch, message: parsed.data.message, trigger: "ui" })).id;
  } catch (err) {
    const e = toAppError(err);
    return { status: "error", code: e.code, message: e.message };
  }
  redirect(`/conversations/${id}`);
}
