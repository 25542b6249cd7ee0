// Structural comparison of a sandbox answer with an official GitLab example: same keys, same value
// types, recursively. Used by the contract tests (and usable by the app's own tests).

export interface ShapeDiffOptions {
  /** Paths (`a.b`, `list[].c`) that may be missing: GitLab itself only sends them in some situations. */
  optional?: string[];
  /** Paths where the sandbox may answer null although the example shows a value (unset fields). A leading `*` matches any prefix. */
  nullable?: string[];
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * Differences between `expected` (a reference example) and `actual`. A null in the reference matches
 * anything; arrays compare their first elements (an empty array on either side matches); keys the
 * sandbox adds are fine. Returns human-readable problems, empty when the shapes agree.
 */
export function shapeDiff(expected: unknown, actual: unknown, opts: ShapeDiffOptions = {}, path = ""): string[] {
  const where = path === "" ? "(root)" : path;
  if (expected === null) return [];
  const te = typeName(expected);
  const ta = typeName(actual);
  if (ta === "null" && (opts.nullable ?? []).some((n) => (n.startsWith("*") ? path.endsWith(n.slice(1)) : n === path))) return [];
  if (te !== ta) return [`${where}: expected ${te}, got ${ta}`];
  if (te === "array") {
    const e = (expected as unknown[])[0];
    const a = (actual as unknown[])[0];
    if (e === undefined || a === undefined) return [];
    return shapeDiff(e, a, opts, `${path}[]`);
  }
  if (te !== "object") return [];
  const problems: string[] = [];
  const exp = expected as Record<string, unknown>;
  const act = actual as Record<string, unknown>;
  for (const key of Object.keys(exp)) {
    const child = path === "" ? key : `${path}.${key}`;
    if (!(key in act)) {
      if (!(opts.optional ?? []).includes(child)) problems.push(`${child}: missing`);
      continue;
    }
    problems.push(...shapeDiff(exp[key], act[key], opts, child));
  }
  return problems;
}
