import Link from "next/link";
import { NavLink } from "./nav-link";

const nav = [
  { href: "/", label: "Home" },
  { href: "/conversations", label: "Conversations" },
  { href: "/settings/integrations", label: "Settings", match: "/settings" },
];

/** The frame every app page shares: brand, navigation, account slot, content. */
export function AppShell({ children, account, banner }: { children: React.ReactNode; account?: React.ReactNode; banner?: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      {banner}
      <header className="border-b border-slate-200 bg-white" data-testid="app-header">
        {/* On a phone the brand keeps only its mark and the account its initial, so the bar fits 390 px. */}
        <div className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2 sm:gap-x-6">
          <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900" aria-label="OpenHands for GitLab, home">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-brand-600 text-sm text-white">OH</span>
            <span className="hidden md:inline">OpenHands for GitLab</span>
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1 text-sm">
            {nav.map((item) => (
              <NavLink key={item.href} href={item.href} match={item.match}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">{account}</div>
        </div>
      </header>
      <main className="mx-auto w-full min-w-0 max-w-6xl flex-1 px-4 py-6 sm:py-8">{children}</main>
      <footer className="border-t border-slate-200 bg-white py-4 text-center text-xs text-slate-500">
        Self-hosted · <Link className="underline hover:text-slate-700" href="/status">status</Link>
      </footer>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions}
    </div>
  );
}

/** Kept here too for existing imports; the one implementation is in ui/empty-state. */
export { EmptyState } from "./ui/empty-state";
