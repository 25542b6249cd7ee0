import { signOutAction } from "@/app/actions/sign-out";
import type { User } from "@/db/schema";

export function AccountMenu({ user }: { user: User | null }) {
  if (!user) {
    return (
      <a href="/sign-in" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
        Sign in
      </a>
    );
  }
  return (
    <div className="flex items-center gap-3">
      <span className="flex items-center gap-2 text-slate-700" data-testid="signed-in-as">
        {/* Initials rather than the GitLab avatar: self-managed avatars often need a session to load. */}
        <span aria-hidden className="grid h-6 w-6 place-items-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
          {user.name.slice(0, 1).toUpperCase()}
        </span>
        @{user.username}
      </span>
      <form action={signOutAction}>
        <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
          Sign out
        </button>
      </form>
    </div>
  );
}
