/**
 * The forms a secret takes when an agent tries to smuggle it out: plain, base64 (standard and URL
 * alphabet), URL-encoded and hex. Base64 is the tricky one: the secret may sit anywhere inside a
 * longer encoded string (`oauth2:<token>` in a Basic header, or `export T=<token>` piped through
 * base64), so its encoding depends on its offset modulo 3. For each of the three offsets we encode
 * the secret behind 0, 1 or 2 filler bytes and keep only the characters that depend on the secret's
 * bytes alone; that core appears in any base64 text that contains the secret at that offset.
 */

function base64Cores(secret: Buffer): string[] {
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString("base64").replace(/=+$/, "");
    // characters fully determined by the filler (and the one mixing filler and secret bits) go
    const start = offset === 0 ? 0 : offset + 1;
    // the last character may mix in bits of whatever follows the secret
    const end = Math.floor(((offset + secret.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length > 0) cores.push(core);
  }
  return cores;
}

const toUrlAlphabet = (b64: string): string => b64.replace(/\+/g, "-").replace(/\//g, "_");

export interface SecretForms {
  /** found as is: the secret, URL-encoded, hex */
  exact: string[];
  /** base64 cores: the whole run of base64 characters around them goes (it encodes the secret's neighbours) */
  encoded: string[];
}

/** Every distinct form of one secret to look for. */
export function secretForms(secret: string): SecretForms {
  const bytes = Buffer.from(secret, "utf8");
  const hex = bytes.toString("hex");
  const exact = new Set<string>([secret, encodeURIComponent(secret), hex, hex.toUpperCase()]);
  const encoded = new Set<string>();
  for (const core of base64Cores(bytes)) {
    encoded.add(core);
    encoded.add(toUrlAlphabet(core));
  }
  return { exact: [...exact], encoded: [...encoded].filter((f) => !exact.has(f)) };
}
