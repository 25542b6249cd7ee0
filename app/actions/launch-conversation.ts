"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { launchConversation } from "@/lib/conversations/launch";
import { toAppError } from "@/lib/http/app-error";

const schema = z.object({
  projectId: z.coerce.number().int().positive({ message: "Choose a repository" }),
  branch: z.string().trim().min(1, "Choose a branch").max(255),
  message: z.string().trim().max(20_000).optional().default(""),
});

export type LaunchState = { status: "idle" | "error"; message?: string; code?: string; fieldErrors?: Record<string, string[] | undefined> };

export async function launchConversationAction(_prev: LaunchState, formData: FormData): Promise<LaunchState> {
  const user = await currentUser();
  if (!user) return { status: "error", code: "unauthenticated", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { status: "error", message: "Check the form.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
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
