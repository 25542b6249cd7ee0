import { getEnv } from "@/lib/env";
import { createCipherKit, type CipherKit } from "./encryption";

let kit: CipherKit | undefined;

/** The app's cipher: ENCRYPTION_KEY encrypts, ENCRYPTION_KEY_PREVIOUS keys still decrypt (rotation). */
export function appCipher(): CipherKit {
  if (!kit) {
    const env = getEnv();
    kit = createCipherKit({ current: env.ENCRYPTION_KEY, previous: env.ENCRYPTION_KEY_PREVIOUS });
  }
  return kit;
}
