/** Shown while the conversation loads (server render). */
export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading the conversation">
      <div className="h-28 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-10 w-3/4 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-10 w-2/3 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-24 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
