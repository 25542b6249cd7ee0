import { describe, expect, it } from "vitest";
import { createInstallationSecret, hashWebhookSecret, parseWebhookToken } from "./installation-secret";

const id = "0b8f7c1e-4a4d-4a52-9d1e-3c1c8f0d9a11";

describe("installation secrets", () => {
  it("are `<installation id>.glhook_…`, stored only as a hash", () => {
    const { secret, hash } = createInstallationSecret(id);
    expect(secret).toMatch(new RegExp(`^${id}\\.glhook_[A-Za-z0-9_-]{43}$`));
    expect(hash).toBe(hashWebhookSecret(secret));
    expect(hash).not.toContain(secret.split(".")[1]);
    expect(createInstallationSecret(id).secret).not.toBe(secret);
  });

  it("parse the id out of a token of our shape only", () => {
    const { secret } = createInstallationSecret(id);
    expect(parseWebhookToken(secret)).toBe(id);
    expect(parseWebhookToken(null)).toBeNull();
    expect(parseWebhookToken("")).toBeNull();
    expect(parseWebhookToken("plain-secret")).toBeNull();
    expect(parseWebhookToken(`${id}.nothing`)).toBeNull();
    expect(parseWebhookToken(`not-a-uuid.glhook_abc`)).toBeNull();
    expect(parseWebhookToken(`${id}.glhook_${"a".repeat(300)}`)).toBeNull();
  });

  it("refuse a non-uuid installation id", () => {
    expect(() => createInstallationSecret("1")).toThrow();
  });
});
