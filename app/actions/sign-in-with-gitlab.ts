"use server";

import { z } from "zod";
import { signIn } from "@/lib/auth/config";
import { publicAction } from "@/lib/http/server-action";

// Only local paths: an open redirect through callbackUrl would hand the session to another site.
const schema = z.object({ callbackUrl: z.string().startsWith("/").refine((v) => !v.startsWith("//"), "must be a local path").catch("/") });

/** Starts GitLab's OAuth flow; signIn answers with a redirect to GitLab (thrown, let through). */
export const signInWithGitLab = publicAction(
  schema,
  async ({ callbackUrl }) => {
    await signIn("gitlab", { redirectTo: callbackUrl });
  },
  { name: "sign in" },
);
