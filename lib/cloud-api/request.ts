import type { z } from "zod";
import { AppError } from "@/lib/http/app-error";

/** Bodies are a message and a few fields; anything near this size is a mistake or abuse. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a JSON body and parses it with `schema`. Malformed JSON is a 400 (`invalid_json`); a body
 * that is JSON but does not fit the schema throws the ZodError, which the wrapper turns into a 422
 * naming each field.
 */
export async function readJsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await req.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw tooLarge();
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : "unparsable";
    throw new AppError("invalid_json", 400, `The request body must be JSON (Content-Type: application/json): ${reason}`);
  }
  return schema.parse(json);
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", 413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

/** Parses the query string with `schema` (a ZodError becomes a 422 naming the parameter). */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}

/**
 * Sends `body` after parsing it with the schema the OpenAPI document publishes for this response.
 * A mismatch is a bug on our side and surfaces as a 500 rather than as a silently wrong contract.
 */
export function jsonResponse<S extends z.ZodType>(schema: S, body: z.input<S>, status = 200, headers?: HeadersInit): Response {
  return Response.json(schema.parse(body), { status, headers: { "cache-control": "no-store", ...Object.fromEntries(new Headers(headers)) } });
}

/** True when the client asked for Server-Sent Events rather than JSON. */
export function wantsEventStream(req: Request): boolean {
  return (req.headers.get("accept") ?? "").toLowerCase().includes("text/event-stream");
}
