"use server";

import { z } from "zod";
import { signIn } from "@/lib/auth/config";

const callback = z.string().startsWith("/").refine((v) => !v.startsWith("//"), "must be a local path").catch("/");

export async function signInWithGitLab(formData: FormData): Promise<void> {
  // Only local paths: an open redirect through callbackUrl would hand the session to another site.
  const redirectTo = callback.parse(formData.get("callbackUrl") ?? "/");
  await signIn("gitlab", { redirectTo });
}
