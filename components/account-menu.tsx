import { signOutAction } from "@/app/actions/sign-out";
import type { User } from "@/db/schema";
import { Button, ButtonLink } from "@/components/ui/button";

export function AccountMenu({ user }: { user: User | null }) {
  if (!user) {
    return (
      <ButtonLink href="/sign-in" variant="secondary" size="sm">
        Sign in
      </ButtonLink>
    );
  }
  return (
    <div className="flex items-center gap-3">
      <span className="flex items-center gap-2 text-slate-700" data-testid="signed-in-as">
        {/* Initials rather than the GitLab avatar: self-managed avatars often need a session to load. */}
        <span aria-hidden className="grid h-6 w-6 place-items-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden sm:inline">@{user.username}</span>
      </span>
      <form action={signOutAction}>
        <Button type="submit" variant="secondary" size="sm">
          Sign out
        </Button>
      </form>
    </div>
  );
}
