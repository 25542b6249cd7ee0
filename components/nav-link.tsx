"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, match, children }: { href: string; match?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const prefix = match ?? href;
  const active = prefix === "/" ? pathname === "/" : pathname.startsWith(prefix);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 ${active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"}`}
    >
      {children}
    </Link>
  );
}
