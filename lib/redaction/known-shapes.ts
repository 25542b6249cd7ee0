/**
 * Credentials recognisable by their shape alone, whoever they belong to: an agent may print a token
 * it found in the repository, in CI variables or in its own environment, not only the run's own.
 * Sources for the prefixes: GitLab's token prefix list
 * (https://docs.gitlab.com/security/tokens/#token-prefixes), OpenAI/Anthropic key prefixes, GitHub's
 * token formats. GitLab OAuth access tokens carry no prefix: they are 64 lower-case hex characters.
 */
const GITLAB_PREFIXES = ["glpat", "gloas", "glrt", "glptt", "gldt", "glsoat", "glffct", "glimt", "glagent", "glcbt", "glft", "glrtr", "glsct", "gltst", "glwt", "ghoa"];

export const KNOWN_SHAPES: readonly RegExp[] = [
  // GitLab tokens: prefix, dash, then the random part (newer formats add dots and a CRC suffix).
  new RegExp(`\\b(?:${GITLAB_PREFIXES.join("|")})-[A-Za-z0-9_.\\-]{8,}`, "g"),
  // GitLab OAuth access and refresh tokens (and any other 64-hex secret, e.g. a hex ENCRYPTION_KEY).
  /\b[0-9a-fA-F]{64}\b/g,
  // OpenAI and Anthropic keys (sk-…, sk-proj-…, sk-ant-…).
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  // GitHub tokens.
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  // PEM private keys, whole blocks; an unterminated block (a clipped summary) to its end.
  /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|$)/g,
];
