import { createHash, randomBytes } from 'node:crypto';
import type { KeyMode } from '#schemas/call';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 32;
const KEY_PATTERN = /^vsnp_(live|test)_[A-Za-z0-9]{32}$/;

/** A new API key: `vsnp_live_` or `vsnp_test_` and 32 random base-62 characters (190 bits). */
export function generateApiKey(mode: KeyMode): string {
  const bytes = randomBytes(SECRET_LENGTH * 2);
  let secret = '';
  for (const byte of bytes) {
    // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
    if (byte < 248) secret += ALPHABET[byte % 62];
    if (secret.length === SECRET_LENGTH) break;
  }
  if (secret.length < SECRET_LENGTH) return generateApiKey(mode);
  return `vsnp_${mode}_${secret}`;
}

/** The mode of a well-formed key, or null for anything that is not one. */
export function apiKeyMode(key: string): KeyMode | null {
  const match = KEY_PATTERN.exec(key);
  return match ? (match[1] as KeyMode) : null;
}

/** Keys carry 190 bits of entropy, so an unsalted SHA-256 is a safe, fast lookup hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyHint(key: string): string {
  return `${key.slice(0, 10)}…${key.slice(-4)}`;
}
