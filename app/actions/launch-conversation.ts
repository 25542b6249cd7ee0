"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { launchConversation, MAX_TASK_CHARS, TASK_REQUIRED } from "@/lib/conversations/launch";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";

const schema = z.object({
  projectId: z.coerce.number().int().positive({ message: "Choose a repository" }),
  branch: z.string().trim().min(1, "Choose a branch").max(255),
  // A launch without a task would run the agent (with a real model: a paid run) for nothing.
  message: z.string({ error: TASK_REQUIRED }).trim().min(1, TASK_REQUIRED).max(MAX_TASK_CHARS, "Keep the task under 20,000 characters."),
});

/** Never "success": a launch that worked leaves the page for the new conversation. */
export type LaunchState = ActionState;

export const launchConversationAction: FormAction<LaunchState> = authAction(
  schema,
  async ({ projectId, branch, message }, { user, db }) => {
    const { id } = await launchConversation(db, { userId: user.id, repository: projectId, branch, message, trigger: "ui" });
    // Thrown (Next's redirect), and let through by authAction.
    redirect(`/conversations/${id}`);
  },
  { name: "launch conversation", invalid: (fieldErrors) => fieldErrors.message?.[0] ?? "Check the form." },
);
