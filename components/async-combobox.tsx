"use client";

import * as Popover from "@radix-ui/react-popover";
import { Command } from "cmdk";
import { useCallback, useEffect, useId, useRef, useState } from "react";

export interface Page<T> {
  items: T[];
  nextPage: number | null;
}

export class FetchPageError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Props<T> {
  label: string;
  placeholder: string;
  /** shown on the closed picker when nothing is chosen */
  emptyValueText?: string;
  /** fetches one page for a search; the signal is aborted when a newer search supersedes it */
  fetchPage: (search: string, page: number, signal: AbortSignal) => Promise<Page<T>>;
  getKey: (item: T) => string;
  getLabel: (item: T) => string;
  renderItem?: (item: T) => React.ReactNode;
  value: T | null;
  onChange: (item: T | null) => void;
  /** what the list says when a search matches nothing; gets the search text */
  emptyText: (search: string) => string;
  disabled?: boolean;
  /** why the picker is disabled, said next to it */
  disabledReason?: string;
  /** renders the error of a failed load (a Retry button is added after it) */
  renderError?: (error: FetchPageError) => React.ReactNode;
  testId?: string;
  /** changes when the option source changes (e.g. another project), resetting results */
  sourceKey?: string;
}

const DEBOUNCE_MS = 250;
const LOAD_MORE = "__load_more__";

/**
 * A picker whose options come from the server, on cmdk (list, filtering off, keyboard navigation,
 * ARIA) in a Radix popover (focus management, Escape, outside click, return of focus to the
 * trigger). Replaces a hand-made combobox that closed on blur after a timer (issue 17).
 * - Typing searches GitLab, debounced; every newer search or closing the picker aborts the request
 *   in flight, and a stale answer is never shown.
 * - Pages load when the list is scrolled to its end, or with the "Load more" option (keyboard).
 * - The typed text is only a search: the value is always one of GitLab's answers, shown on the
 *   trigger, so a typo can never silently launch on another branch.
 */
export function AsyncCombobox<T>(props: Props<T>) {
  const { fetchPage, getKey, getLabel, value, onChange, sourceKey } = props;
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<T[]>([]);
  const [nextPage, setNextPage] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<FetchPageError | null>(null);
  const controller = useRef<AbortController | null>(null);
  const requestSeq = useRef(0);

  const load = useCallback(
    async (search: string, page: number) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      const seq = ++requestSeq.current;
      setLoading(true);
      setError(null);
      try {
        const result = await fetchPage(search, page, c.signal);
        if (seq !== requestSeq.current) return;
        const fresh = result.items;
        setItems((prev) => (page === 1 ? fresh : [...prev, ...fresh]));
        setNextPage(result.nextPage);
      } catch (err) {
        if (c.signal.aborted || seq !== requestSeq.current) return;
        setError(err instanceof FetchPageError ? err : new FetchPageError("Could not load results. Check your connection and try again.", "network"));
      } finally {
        if (seq === requestSeq.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  // Search as you type, debounced; a new source (another project) starts over.
  useEffect(() => {
    if (!open) {
      controller.current?.abort();
      return;
    }
    const t = setTimeout(() => void load(query, 1), query ? DEBOUNCE_MS : 0);
    return () => clearTimeout(t);
  }, [query, open, load, sourceKey]);

  useEffect(() => () => controller.current?.abort(), []);

  const loadMore = useCallback(() => {
    if (nextPage !== null && !loading) void load(query, nextPage);
  }, [nextPage, loading, load, query]);

  function choose(item: T) {
    onChange(item);
    setOpen(false);
    setQuery("");
  }

  const labelId = `${id}-label`;
  const reasonId = `${id}-reason`;
  return (
    <div data-testid={props.testId} className="min-w-0">
      <span id={labelId} className="mb-1 block text-sm font-medium text-slate-700">
        {props.label}
      </span>
      <Popover.Root
        open={open}
        onOpenChange={(o) => {
          setOpen(o);
          if (!o) setQuery("");
        }}
      >
        <Popover.Trigger asChild disabled={props.disabled}>
          {/* Radix's trigger adds aria-controls (the content's id) while the popover is open. */}
          <button
            type="button"
            // eslint-disable-next-line jsx-a11y/role-has-required-aria-props -- aria-controls comes from Radix
            role="combobox"
            aria-expanded={open}
            aria-labelledby={labelId}
            aria-describedby={props.disabled && props.disabledReason ? reasonId : undefined}
            data-testid={props.testId ? `${props.testId}-trigger` : undefined}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown" && !open) {
                e.preventDefault();
                setOpen(true);
              }
            }}
            className="flex h-10 w-full items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-3 text-left text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-500"
          >
            <span className={`min-w-0 truncate ${value ? "text-slate-900" : "text-slate-500"}`} data-testid={props.testId ? `${props.testId}-value` : undefined}>
              {value ? getLabel(value) : (props.emptyValueText ?? props.placeholder)}
            </span>
            <span aria-hidden className="text-slate-400">
              ▾
            </span>
          </button>
        </Popover.Trigger>
        {props.disabled && props.disabledReason ? (
          <span id={reasonId} className="mt-1 block text-xs text-slate-500">
            {props.disabledReason}
          </span>
        ) : null}
        {/* Not portalled: the content stays inside the picker's element (tests scope to it), and
            the page has no overflow-hidden ancestors that would clip it. */}
        <Popover.Content align="start" sideOffset={4} className="z-30 w-[var(--radix-popover-trigger-width)] min-w-64 rounded-md border border-slate-200 bg-white shadow-lg" onOpenAutoFocus={(e) => e.preventDefault()}>
          <Command shouldFilter={false} label={`Search: ${props.label}`} loop>
            <Command.Input
              autoFocus
              value={query}
              onValueChange={setQuery}
              placeholder={props.placeholder}
              className="h-10 w-full border-b border-slate-200 px-3 text-sm outline-none"
              onKeyDown={(e) => {
                if (e.key === "Enter" && !loading && items.length === 0) e.preventDefault();
              }}
            />
            <Command.List
              className="max-h-72 overflow-auto py-1 text-sm"
              aria-busy={loading}
              onScroll={(e) => {
                const el = e.currentTarget;
                if (el.scrollTop + el.clientHeight >= el.scrollHeight - 40) loadMore();
              }}
            >
              {items.map((item) => (
                <Command.Item
                  key={getKey(item)}
                  value={getKey(item)}
                  onSelect={() => choose(item)}
                  aria-label={getLabel(item)}
                  className="cursor-pointer px-3 py-2 data-[selected=true]:bg-brand-50"
                >
                  {props.renderItem ? props.renderItem(item) : getLabel(item)}
                </Command.Item>
              ))}
              {nextPage !== null && !loading ? (
                <Command.Item value={LOAD_MORE} onSelect={loadMore} className="cursor-pointer px-3 py-2 text-brand-700 data-[selected=true]:bg-brand-50">
                  Load more…
                </Command.Item>
              ) : null}
              {loading ? (
                <Command.Loading>
                  <span className="block px-3 py-2 text-slate-500">Loading…</span>
                </Command.Loading>
              ) : null}
              {!loading && !error && items.length === 0 ? (
                <p className="px-3 py-2 text-slate-500" role="status">
                  {props.emptyText(query.trim())}
                </p>
              ) : null}
              {error ? (
                <div className="px-3 py-2 text-red-700" role="alert">
                  {props.renderError ? props.renderError(error) : error.message}{" "}
                  <button type="button" className="underline" onClick={() => void load(query, 1)}>
                    Retry
                  </button>
                </div>
              ) : null}
            </Command.List>
          </Command>
        </Popover.Content>
      </Popover.Root>
    </div>
  );
}
