"use client";

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
  /** fetches one page for a search; the signal is aborted when a newer search supersedes it */
  fetchPage: (search: string, page: number, signal: AbortSignal) => Promise<Page<T>>;
  getKey: (item: T) => string;
  getLabel: (item: T) => string;
  renderItem?: (item: T) => React.ReactNode;
  value: T | null;
  onChange: (item: T | null) => void;
  emptyText: string;
  disabled?: boolean;
  /** renders the error of a failed load (a Retry button is added after it) */
  renderError?: (error: FetchPageError) => React.ReactNode;
  testId?: string;
  /** changes when the option source changes (e.g. another project), resetting results */
  sourceKey?: string;
}

const DEBOUNCE_MS = 250;

/**
 * A combobox whose options come from the server: typing searches GitLab (debounced, cancelling
 * stale requests), scrolling to the end loads the next page. It never loads everything up front.
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
  const [active, setActive] = useState(0);
  const controller = useRef<AbortController | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const sentinel = useRef<HTMLLIElement>(null);
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
        setItems((prev) => (page === 1 ? result.items : [...prev, ...result.items]));
        setNextPage(result.nextPage);
        if (page === 1) setActive(0);
      } catch (err) {
        if (c.signal.aborted || seq !== requestSeq.current) return;
        setError(err instanceof FetchPageError ? err : new FetchPageError("Could not load results. Check your connection and try again.", "network"));
      } finally {
        if (seq === requestSeq.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  const retry = useCallback(() => void load(query, 1), [load, query]);

  // Search as you type, debounced; a new source (another project) starts over.
  useEffect(() => {
    if (!open) return;
    const t = setTimeout(() => void load(query, 1), query ? DEBOUNCE_MS : 0);
    return () => clearTimeout(t);
  }, [query, open, load, sourceKey]);

  useEffect(() => () => controller.current?.abort(), []);

  // Infinite scroll: when the sentinel at the end of the list becomes visible, fetch the next page.
  useEffect(() => {
    const el = sentinel.current;
    if (!open || !el || nextPage === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !loading) void load(query, nextPage);
      },
      { root: listRef.current, rootMargin: "40px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [open, nextPage, loading, load, query, items.length]);

  function choose(item: T) {
    onChange(item);
    setOpen(false);
    setQuery("");
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.max(items.length - 1, 0)));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter" && open && items[active]) {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === "Escape") {
      setOpen(false);
    }
  }

  const listId = `${id}-list`;
  return (
    <div className="relative" data-testid={props.testId}>
      <label htmlFor={`${id}-input`} className="mb-1 block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && items[active] ? `${id}-opt-${active}` : undefined}
        disabled={props.disabled}
        autoComplete="off"
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 disabled:bg-slate-100 disabled:text-slate-400"
        placeholder={value ? getLabel(value) : props.placeholder}
        value={open ? query : value ? getLabel(value) : ""}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
      />
      {open ? (
        <ul
          id={listId}
          ref={listRef}
          role="listbox"
          aria-label={props.label}
          aria-busy={loading}
          className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
        >
          {items.map((item, i) => (
            <li
              key={getKey(item)}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={value ? getKey(value) === getKey(item) : false}
              className={`cursor-pointer px-3 py-2 ${i === active ? "bg-brand-50" : ""}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(item)}
            >
              {props.renderItem ? props.renderItem(item) : getLabel(item)}
            </li>
          ))}
          {nextPage !== null ? <li ref={sentinel} aria-hidden className="h-1" /> : null}
          {loading ? (
            <li className="px-3 py-2 text-slate-500" role="status">
              Loading…
            </li>
          ) : null}
          {!loading && !error && items.length === 0 ? <li className="px-3 py-2 text-slate-500">{props.emptyText}</li> : null}
          {error ? (
            <li className="px-3 py-2 text-red-700" role="alert" onMouseDown={(e) => e.preventDefault()}>
              {props.renderError ? props.renderError(error) : error.message}{" "}
              <button type="button" className="underline" onClick={retry}>
                Retry
              </button>
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
