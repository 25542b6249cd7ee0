import { z } from "zod";

/**
 * Secret names become environment variable names in the agent's process, so they must be valid
 * ones. PATH and HOME are set by the app for every run (the agent must find its tools and get its
 * own throwaway home), so a user may not replace them.
 */
export const RESERVED_SECRET_NAMES = ["PATH", "HOME"] as const;
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_SECRET_VALUE_LENGTH = 64 * 1024;

export const secretNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(100, "Use at most 100 characters")
  .regex(SECRET_NAME_PATTERN, "Use letters, digits and underscores, not starting with a digit (like an environment variable: MY_API_KEY)")
  .refine((name) => !(RESERVED_SECRET_NAMES as readonly string[]).includes(name.toUpperCase()), {
    message: "PATH and HOME are set by the app for every run and cannot be overridden",
  });

// Values are kept byte for byte (no trim): a token's surrounding whitespace is the user's call.
export const secretValueSchema = z
  .string()
  .min(1, "Enter a value")
  .max(MAX_SECRET_VALUE_LENGTH, `Use at most ${MAX_SECRET_VALUE_LENGTH} characters`)
  .refine((v) => !v.includes("\0"), "The value cannot contain NUL characters");

export const secretDescriptionSchema = z.string().trim().max(500, "Use at most 500 characters").default("");
