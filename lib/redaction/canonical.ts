/**
 * A canonical view of a text, for finding a secret someone disguised (redactor.ts, `disguised`):
 * escapes decoded, invisible characters dropped, look-alike letters folded to ASCII. Only ever
 * searched, never shown: it loses the positions of the original.
 */

/**
 * Zero-width and other invisible format characters (Unicode category Cf), the soft hyphen, and NUL
 * (a secret written as UTF-16 is its ASCII letters with a NUL after each, in a pushed file).
 */
const INVISIBLE = /[\p{Cf}\u0000\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180E\u3164\uFFA0]/gu;

/**
 * Letters that look like ASCII but are not folded by NFKC: the common Cyrillic and Greek ones
 * (Unicode's confusables list, https://www.unicode.org/Public/security/latest/confusables.txt,
 * restricted to what renders identically in GitLab's fonts). Not exhaustive: see the README.
 */
const LOOK_ALIKES: Record<string, string> = {
  "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
  "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ɡ": "g", "ԛ": "q", "ԝ": "w", "ɩ": "l", "ӏ": "l",
  "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
  "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "χ": "x", "υ": "u",
  "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
};
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join("")}]`, "gu");

const fromCode = (hex: string): string => String.fromCodePoint(parseInt(hex, 16));

export function canonicalView(text: string): string {
  return (
    text
      // JSON/JS escapes (`\u0067`, `\u{67}`, `\x67`) and percent-encoding of single bytes
      .replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})/g, (_m, a?: string, b?: string, c?: string, d?: string) => fromCode(a ?? b ?? c ?? d ?? "0"))
      .replace(/&#x([0-9a-fA-F]{1,6});|&#([0-9]{1,7});/g, (_m, hex?: string, dec?: string) => (hex ? fromCode(hex) : String.fromCodePoint(Math.min(Number(dec), 0x10ffff))))
      .normalize("NFKC")
      .replace(INVISIBLE, "")
      .replace(LOOK_ALIKE, (ch) => LOOK_ALIKES[ch] ?? ch)
  );
}

/** Without any white space: a secret broken over lines, or spaced out, joins up again. */
export const squeezed = (view: string): string => view.replace(/\s+/g, "");
