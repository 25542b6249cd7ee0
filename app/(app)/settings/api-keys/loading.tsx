export default function Loading() {
  return (
    <div className="space-y-4" data-testid="api-keys-loading" aria-busy="true" aria-live="polite">
      <span className="sr-only">Loading API keys…</span>
      <div className="h-32 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-48 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
