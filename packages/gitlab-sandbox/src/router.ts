// A small path router. Segments are matched on the raw path and decoded one by one, so an id like
// `group%2Fsub%2Fproject` (GitLab's URL-encoded project path) stays one segment.

export interface RouteMatch<H> { handler: H; params: Record<string, string>; template: string }

interface Route<H> { method: string; segments: string[]; template: string; handler: H }

export function splitPath(rawPathname: string): string[] | null {
  const parts = rawPathname.split("/").filter((s) => s !== "");
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

export class Router<H> {
  private bySize = new Map<number, Route<H>[]>();

  add(method: string, template: string, handler: H): this {
    const segments = template.split("/").filter((s) => s !== "");
    const list = this.bySize.get(segments.length) ?? [];
    list.push({ method, segments, template, handler });
    this.bySize.set(segments.length, list);
    return this;
  }

  /** `"method_not_allowed"` when the path exists for other methods (Grape answers 405 then). */
  match(method: string, segments: string[]): RouteMatch<H> | "method_not_allowed" | null {
    const candidates = this.bySize.get(segments.length);
    if (!candidates) return null;
    let pathMatched = false;
    for (const route of candidates) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const want = route.segments[i] ?? "";
        const got = segments[i] ?? "";
        if (want.startsWith(":")) params[want.slice(1)] = got;
        else if (want !== got) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { handler: route.handler, params, template: route.template };
      pathMatched = true;
    }
    return pathMatched ? "method_not_allowed" : null;
  }
}
