import { describe, expect, it } from "vitest";
import { readBodyCapped } from "./read-body";

function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBodyCapped", () => {
  it("reads a body under the limit", async () => {
    expect(await readBodyCapped(new Request("http://x/", { method: "POST", body: '{"a":1}' }), 100)).toEqual({ ok: true, text: '{"a":1}' });
  });

  it("refuses an honest Content-Length above the limit without reading", async () => {
    const req = new Request("http://x/", { method: "POST", body: "x".repeat(200), headers: { "content-length": "200" } });
    expect(await readBodyCapped(req, 100)).toEqual({ ok: false, reason: "too_large" });
  });

  it("counts the stream when Content-Length is absent or lies", async () => {
    const chunk = new Uint8Array(60);
    expect(await readBodyCapped(streamed([chunk, chunk]), 100)).toEqual({ ok: false, reason: "too_large" });
    expect(await readBodyCapped(streamed([chunk, chunk], { "content-length": "10" }), 100)).toEqual({ ok: false, reason: "too_large" });
    expect(await readBodyCapped(streamed([chunk]), 100)).toMatchObject({ ok: true });
  });

  it("decodes UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode('"👀"');
    expect(await readBodyCapped(streamed([bytes.slice(0, 3), bytes.slice(3)]), 100)).toEqual({ ok: true, text: '"👀"' });
  });
});
