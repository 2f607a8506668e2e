import { createHash, randomBytes } from 'node:crypto';
import type { KeyMode } from '#schemas/call';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 32;
const KEY_PATTERN = /^vsnp_(live|test)_[A-Za-z0-9]{32}$/;

/** `length` random base-62 characters (5.95 bits each). */
export function randomBase62(length: number): string {
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248) result += ALPHABET[byte % 62];
      if (result.length === length) break;
    }
  }
  return result;
}

/** A new API key: `vsnp_live_` or `vsnp_test_` and 32 random base-62 characters (190 bits). */
export function generateApiKey(mode: KeyMode): string {
  return `vsnp_${mode}_${randomBase62(SECRET_LENGTH)}`;
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
