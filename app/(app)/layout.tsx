import { AppShell } from "@/components/app-shell";

export default function AppLayout({ children }: { children: React.ReactNode }) {
  return <AppShell account={<a href="/sign-in" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">Sign in</a>}>{children}</AppShell>;
}
