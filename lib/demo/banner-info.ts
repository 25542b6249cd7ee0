import { getEnv } from "@/lib/env";
import { DEMO_USER } from "./seed-data";

/** What the demo banner shows: null outside demo mode. Does not start the sandbox. */
export function demoBannerInfo(): { sandboxUrl: string; username: string; password: string } | null {
  const env = getEnv();
  if (!env.demoMode) return null;
  return { sandboxUrl: `http://127.0.0.1:${env.DEMO_SANDBOX_PORT}`, username: DEMO_USER.username, password: DEMO_USER.password };
}
