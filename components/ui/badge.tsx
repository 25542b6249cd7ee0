import type { ComponentProps } from "react";

export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger" | "muted" | "brand";

const tones: Record<BadgeTone, string> = {
  neutral: "bg-slate-100 text-slate-700",
  info: "bg-blue-100 text-blue-800",
  success: "bg-emerald-100 text-emerald-800",
  warning: "bg-amber-100 text-amber-900",
  danger: "bg-red-100 text-red-800",
  muted: "bg-zinc-200 text-zinc-700",
  brand: "bg-brand-100 text-brand-700",
};

/** A small rounded label: statuses, outcomes, visibilities, "Test agent". */
export function Badge({ tone = "neutral", className = "", ...props }: ComponentProps<"span"> & { tone?: BadgeTone }) {
  return <span className={`inline-flex shrink-0 items-center whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ${tones[tone]} ${className}`} {...props} />;
}
