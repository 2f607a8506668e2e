import { apiKeyMode, hashApiKey } from '#domain/api-key';
import type { Caller } from '#schemas/directory';
import type { Directory } from '#ports/directory';

export type Authentication =
  | { authenticated: true; caller: Caller }
  | { authenticated: false; reason: 'missing_api_key' | 'malformed_api_key' | 'invalid_api_key' };

/** Resolves an `Authorization: Bearer vsnp_…` header to the account that owns the key. */
export async function authenticate(deps: { directory: Directory }, authorization: string | undefined): Promise<Authentication> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!authorization) return { authenticated: false, reason: 'missing_api_key' };
  const key = match?.[1];
  const mode = key ? apiKeyMode(key) : null;
  if (!key || !mode) return { authenticated: false, reason: 'malformed_api_key' };

  const record = await deps.directory.findApiKeyByHash(hashApiKey(key));
  if (!record || record.revokedAt !== null || record.mode !== mode) {
    return { authenticated: false, reason: 'invalid_api_key' };
  }
  return { authenticated: true, caller: { accountId: record.accountId, keyMode: record.mode, keyId: record.id } };
}
