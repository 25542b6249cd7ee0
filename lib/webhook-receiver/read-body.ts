/**
 * Reads a request body up to a byte limit. The declared Content-Length is checked first (cheap
 * refusal of an honest large body), then the stream is counted as it arrives, because the header
 * can be absent (chunked) or lie: a body is never buffered past the limit.
 */

export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

export type BodyResult = { ok: true; text: string } | { ok: false; reason: "too_large" };

export async function readBodyCapped(req: Request, limit = MAX_WEBHOOK_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel().catch(() => undefined);
    return { ok: false, reason: "too_large" };
  }
  if (!req.body) return { ok: true, text: "" };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: "too_large" };
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return { ok: true, text: decoder.decode(chunks[0]) };
  return { ok: true, text: decoder.decode(Buffer.concat(chunks, size)) };
}

const decoder = new TextDecoder("utf-8");
