import { secretForms } from "./encodings";
import { KNOWN_SHAPES } from "./known-shapes";
import { canonicalView, squeezed } from "./canonical";

/**
 * Text that went through the redactor. Every function that writes to GitLab (comments, merge
 * requests, commit messages, branch names) accepts only this type, so a new outgoing path cannot
 * forget redaction: the compiler refuses a plain string, and the only way to make one is here.
 */
declare const redactedBrand: unique symbol;
export type RedactedText = string & { readonly [redactedBrand]: true };

export const REDACTED = "[redacted]";

/**
 * Shorter values are not searched for: replacing "1" or "yes" everywhere would garble the output,
 * and a secret that short is no secret. Encoded forms shorter than this are skipped too (a 2-char
 * base64 core of a short value would match everywhere).
 */
const MIN_SECRET_LENGTH = 8;

export interface RunSecret {
  /** where it came from, for nobody but the reader of this code: the replacement is always [redacted] */
  name: string;
  value: string;
}

/**
 * Removes the run's secrets (in all their encodings, see encodings.ts) and anything shaped like a
 * well-known credential (known-shapes.ts) from a text, replacing each with `[redacted]`.
 * One instance per run; `with` adds a secret learnt later (a token refreshed mid-run).
 */
export class Redactor {
  private readonly exact: string[];
  private readonly encodedForms: string[];
  /** the plain values (and their reversal), looked for in the canonical view of a text (canonical.ts) */
  private readonly plain: string[];

  constructor(private readonly secrets: readonly RunSecret[] = []) {
    const exact = new Set<string>();
    const encoded = new Set<string>();
    for (const s of secrets) {
      if (s.value.length < MIN_SECRET_LENGTH) continue;
      const forms = secretForms(s.value);
      for (const form of forms.exact) if (form.length >= MIN_SECRET_LENGTH) exact.add(form);
      for (const form of forms.encoded) if (form.length >= MIN_SECRET_LENGTH) encoded.add(form);
    }
    // Longest first, so a secret containing another is replaced whole.
    this.exact = [...exact].sort((a, b) => b.length - a.length);
    const plain = new Set<string>();
    for (const s of secrets) {
      if (s.value.length < MIN_SECRET_LENGTH) continue;
      plain.add(canonicalView(s.value).toLowerCase());
      plain.add([...canonicalView(s.value)].reverse().join("").toLowerCase());
    }
    this.plain = [...plain];
    // A base64 core takes the whole base64 run around it: its neighbours encode the secret's
    // neighbours (`oauth2:` of a Basic header) and its padding, which would only hint at it.
    this.encodedForms = [...encoded];
  }

  with(...more: RunSecret[]): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  /** The text with every secret and known credential shape replaced by `[redacted]`. */
  text(input: string): RedactedText {
    let out = input;
    for (const form of this.exact) if (out.includes(form)) out = out.split(form).join(REDACTED);
    if (this.encodedForms.length > 0) {
      // `base64` wraps its output at 76 columns: a block of base64 lines is joined before the search.
      out = out.replace(WRAPPED_BASE64, (block) => {
        const joined = block.replace(/\s+/g, "");
        return this.encodedForms.some((form) => joined.includes(form)) ? REDACTED : block;
      });
      // Each run of base64 characters is looked at once (a pattern with the cores inside `[…]*` took
      // quadratic time on a long run that held none: 160 000 `A`s blocked the worker for a minute).
      out = out.replace(BASE64_RUN, (run) => (this.encodedForms.some((form) => run.includes(form)) ? REDACTED : run));
    }
    for (const shape of KNOWN_SHAPES) out = out.replace(shape, REDACTED);
    return this.disguised(out) as RedactedText;
  }

  /**
   * Whether a text still carries one of the run's secrets (not the known shapes: a repository may
   * hold test fixtures shaped like tokens). For content the app pushes (workspace.ts), where
   * replacing is not an option: the push is refused instead.
   */
  reveals(input: string): boolean {
    if (this.exact.some((form) => input.includes(form))) return true;
    if (this.encodedForms.length > 0) {
      if (this.encodedForms.some((form) => input.includes(form))) return true;
      const joined = input.replace(/\s+/g, "");
      if (this.encodedForms.some((form) => joined.includes(form))) return true;
    }
    return this.hidesPlain(squeezed(canonicalView(input)));
  }

  /**
   * The attacks the search above misses (redaction-attacks.test.ts): a secret with zero-width or
   * other invisible characters interleaved, written with look-alike letters (full-width, Cyrillic),
   * reversed, percent-encoded character by character (`%67%6C…`), JSON/JS-escaped (`\u0067…`), or
   * broken over lines or spaces. Each is undone in a canonical view of the text (canonical.ts);
   * positions in that view do not map back to the original, so a line whose view shows a secret is
   * replaced whole, and a secret only visible across lines takes the whole text with it. Both only
   * happen when someone is hiding a secret on purpose, so losing the rest is the right price.
   */
  private disguised(out: string): string {
    // Only for a run's redactor: the shape-only one also redacts log lines, which must stay JSON.
    if (this.plain.length === 0 || !this.hides(canonicalView(out))) return out;
    const lines = out.split("\n").map((line) => (this.hides(canonicalView(line)) ? REDACTED : line));
    const joined = lines.join("\n");
    return this.hides(canonicalView(joined)) ? `${REDACTED} (this text hid a secret across several lines)` : joined;
  }

  /** A run secret in the squeezed view, or a credential shape (someone else's token) in the view. */
  private hides(view: string): boolean {
    return this.hidesPlain(squeezed(view)) || KNOWN_SHAPES.some((shape) => new RegExp(shape.source, shape.flags.replace("g", "")).test(view));
  }

  private hidesPlain(view: string): boolean {
    const lower = view.toLowerCase();
    return this.plain.some((p) => lower.includes(p));
  }

  /**
   * A git branch name: `[redacted]` is not a valid ref (`[` is forbidden), so matches become the
   * word `redacted`. Names are built by the app from titles, which strangers write.
   */
  branchName(input: string): RedactedText {
    return this.text(input).split(REDACTED).join("redacted") as RedactedText;
  }

  /** Every string field of an event (its `kind` excepted), for the stored timeline. */
  event<T extends { kind: string }>(event: T): T {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(event)) out[k] = k !== "kind" ? this.value(v) : v;
    return out as T;
  }

  private value(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    return v;
  }
}

/**
 * Wrapped base64 (what `base64` prints for anything over 57 bytes): full lines of 60+ characters,
 * each ending in a line break, then the last, shorter line.
 */
// The last line must end there: otherwise the first word of the next line of prose went too.
// It starts only where a run of base64 characters starts (the lookbehind), so a long run is tried
// once, not from each of its characters (quadratic, see `text`).
const WRAPPED_BASE64 = /(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/_-]{60,}={0,2}\r?\n)+(?:[A-Za-z0-9+/_-]*={0,2}(?=\r?\n|$))?/gm;

/** A maximal run of base64 characters (both alphabets) with its padding. */
const BASE64_RUN = /[A-Za-z0-9+/_-]+={0,2}/g;


/** Texts the app builds without a run (acknowledgements, refusals): known shapes only. */
export const shapeRedactor = new Redactor();

/** Redacted parts joined stay redacted (each part was scanned; the glue is the caller's constant). */
export function joinRedacted(parts: readonly RedactedText[], glue: string): RedactedText {
  return shapeRedactor.text(parts.join(glue));
}
