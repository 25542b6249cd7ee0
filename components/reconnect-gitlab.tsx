import { signInWithGitLab } from "@/app/actions/sign-in-with-gitlab";
import { Button } from "./ui/button";

/** Shown wherever a GitLab call needs a connection that expired or was revoked. */
export function ReconnectGitLab({ callbackUrl = "/" }: { callbackUrl?: string }) {
  return (
    <div role="alert" data-testid="reconnect-gitlab" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      <p className="font-medium">Your GitLab connection needs to be renewed.</p>
      <p className="mt-1">GitLab no longer accepts the stored token (it was revoked or expired). Reconnect to continue; nothing else is lost.</p>
      <form action={signInWithGitLab} className="mt-3">
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <Button type="submit">Reconnect GitLab</Button>
      </form>
    </div>
  );
}
