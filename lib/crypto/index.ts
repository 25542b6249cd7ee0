export {
  createCipherKit,
  CryptoKeyError,
  DecryptionError,
  type CipherKit,
  type DecryptionFailureReason,
  type KeyringInput,
} from "./encryption";
export { keyIdFor } from "./keyring";
export { constantTimeEqual, sha256Hex } from "./hashing";
export {
  generateKeyMaterial,
  generateToken,
  MIN_TOKEN_BYTES,
  tokenPrefixForDisplay,
  tokenRandomLength,
} from "./tokens";
export { appCipher } from "./app-cipher";
