// Always load Next's global types (next-env.d.ts only exists after a build), so typecheck gives the
// same answer on a fresh clone and after `next build`.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
