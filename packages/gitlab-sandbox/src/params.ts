// Request parameters the way Grape sees them: query string and body (JSON or form) merged, with
// Rack's bracket notation (`position[new_line]=3`, `labels[]=a`), then validated with zod.
import { z } from "zod";
import { invalid, missing, HttpError } from "./http";

export type Params = Record<string, unknown>;

function setNested(target: Params, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m?.[1]) {
    target[key] = value;
    return;
  }
  const path = [m[1], ...[...(m[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? "")];
  let node: Params = target;
  for (let i = 0; i < path.length; i++) {
    const part = path[i] ?? "";
    const last = i === path.length - 1;
    const nextIsArray = path[i + 1] === "";
    if (last) {
      node[part] = value;
      return;
    }
    if (nextIsArray && i + 1 === path.length - 1) {
      const existing = node[part];
      node[part] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [value];
      return;
    }
    const child = node[part];
    if (typeof child !== "object" || child === null || Array.isArray(child)) node[part] = {};
    node = node[part] as Params;
  }
}

export function parseForm(search: URLSearchParams): Params {
  const out: Params = {};
  for (const [k, v] of search) setNested(out, k, v);
  return out;
}

/** Parses a request body by content type; unknown types are ignored like Grape does. */
export function parseBody(contentType: string | undefined, raw: Buffer): Params {
  if (raw.length === 0) return {};
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || type.endsWith("+json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new HttpError(400, { error: "The provided content-type 'application/json' is not supported." });
    }
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Params) : {};
  }
  if (type === "application/x-www-form-urlencoded") return parseForm(new URLSearchParams(raw.toString("utf8")));
  if (type === "multipart/form-data") return parseMultipart(contentType ?? "", raw);
  return {};
}

/** multipart/form-data (gitbeaker sends it for MR discussions with a `position`); file parts become their text. */
function parseMultipart(contentType: string, raw: Buffer): Params {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  const out: Params = {};
  if (!mark) return out;
  for (const part of raw.toString("latin1").split(`--${mark}`)) {
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const name = /name="([^"]*)"/i.exec(part.slice(0, sep))?.[1];
    if (name === undefined) continue;
    const value = Buffer.from(part.slice(sep + 4).replace(/\r\n$/, ""), "latin1").toString("utf8");
    setNested(out, name, value);
  }
  return out;
}

// Grape's coercions: "true"/"false" strings for booleans, numeric strings for integers, comma lists for arrays.
export const zBool = z.union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no", "t", "f"]).transform((s) => ["true", "1", "yes", "t"].includes(s))]);
export const zInt = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
export const zStr = z.union([z.string(), z.number().transform(String)]);
export const zList = z.union([z.array(zStr), zStr.transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))]);
export const zIntList = z.union([z.array(zInt), zInt.transform((n) => [n]), z.string().transform((s, ctx) => {
  const parts = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  if (parts.some((p) => !/^-?\d+$/.test(p))) {
    ctx.addIssue({ code: "custom", message: "invalid" });
    return z.NEVER;
  }
  return parts.map(Number);
})]);

/**
 * Validates params against a zod object schema. Missing required keys answer Grape's
 * `{"error":"title is missing"}`; values that fail coercion answer `{"error":"x is invalid"}`.
 */
export function validate<S extends z.ZodObject>(schema: S, input: Params, required: string[] = []): z.infer<S> {
  const absent = required.filter((k) => input[k] === undefined || input[k] === null);
  if (absent.length > 0) throw missing(absent);
  const picked: Params = {};
  for (const key of Object.keys(schema.shape)) if (input[key] !== undefined && input[key] !== null) picked[key] = input[key];
  const result = schema.safeParse(picked);
  if (!result.success) {
    const names = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? "params")))];
    throw invalid(names);
  }
  return result.data;
}
