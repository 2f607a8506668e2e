import { apiKeyMode, hashApiKey } from '#domain/api-key';
import type { ApiKey, Caller } from '#schemas/directory';
import type { Clock } from '#ports/clock';
import type { Directory } from '#ports/directory';

export type Authentication =
  | { authenticated: true; caller: Caller }
  | { authenticated: false; reason: 'missing_api_key' | 'malformed_api_key' | 'invalid_api_key' };

/** The one question authentication asks the directory. */
export type ApiKeyLookup = Pick<Directory, 'findApiKeyByHash'>;

/** Resolves an `Authorization: Bearer vsnp_…` header to the account that owns the key. */
export async function authenticate(
  deps: { directory: ApiKeyLookup },
  authorization: string | undefined,
): Promise<Authentication> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!authorization) return { authenticated: false, reason: 'missing_api_key' };
  const key = match?.[1];
  const mode = key ? apiKeyMode(key) : null;
  // Anything not shaped like a key is refused before any read.
  if (!key || !mode) return { authenticated: false, reason: 'malformed_api_key' };

  const record = await deps.directory.findApiKeyByHash(hashApiKey(key));
  if (!record || record.revokedAt !== null || record.mode !== mode) {
    return { authenticated: false, reason: 'invalid_api_key' };
  }
  return { authenticated: true, caller: { accountId: record.accountId, keyMode: record.mode, keyId: record.id } };
}

export interface RememberedLookupOptions {
  /** Seconds an answer is reused: a revoked key keeps working in this instance for up to this long. 0 reuses nothing. */
  ttlSeconds: number;
  /** Answers kept at most, of each kind (found, unknown); the oldest goes first. */
  maxEntries: number;
  clock: Clock;
}

/**
 * API key lookups remembered by one authorizer instance, found or not, so a key seen again within
 * `ttlSeconds` costs no read (an unknown key included: a flood of one fake key reads once).
 * Known and unknown keys are kept apart, so a flood of distinct fake keys can push out only other
 * unknown keys, never a customer's. Entries are keyed by the key's hash, never the key.
 */
export function rememberedKeyLookups(lookup: ApiKeyLookup, options: RememberedLookupOptions): ApiKeyLookup {
  if (options.ttlSeconds <= 0) return lookup;
  const known = new Map<string, { record: ApiKey; expiresAt: number }>();
  const unknown = new Map<string, { record: null; expiresAt: number }>();
  const now = () => options.clock.now().getTime();

  return {
    async findApiKeyByHash(hash) {
      const remembered = known.get(hash) ?? unknown.get(hash);
      if (remembered && remembered.expiresAt > now()) return remembered.record;
      known.delete(hash);
      unknown.delete(hash);

      const record = await lookup.findApiKeyByHash(hash);
      const entries: Map<string, { record: ApiKey | null; expiresAt: number }> = record ? known : unknown;
      // Every entry lives for the same time, so the first inserted is the first to expire.
      while (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(hash, { record, expiresAt: now() + options.ttlSeconds * 1000 });
      return record;
    },
  };
}
