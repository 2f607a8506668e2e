import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import type { Clock } from '#ports/clock';
import type { Directory } from '#ports/directory';
import { authenticate, rememberedKeyLookups, type ApiKeyLookup } from '#use-cases/authenticate';
import { createAccount, issueApiKey, revokeApiKey } from '#use-cases/manage-directory';
import { ensureTable } from '../../local/tables.ts';

const TTL_SECONDS = 60;

/** The Directory port, counting the key lookups that reach it (each one a DynamoDB read). */
function countingLookups(directory: Directory): ApiKeyLookup & { reads: number } {
  const counted = {
    reads: 0,
    async findApiKeyByHash(hash: string) {
      counted.reads += 1;
      return directory.findApiKeyByHash(hash);
    },
  };
  return counted;
}

/** A clock the test moves by hand. */
function manualClock(): Clock & { advanceSeconds(seconds: number): void } {
  let now = new Date('2026-06-01T12:00:00Z');
  return { now: () => now, advanceSeconds: (seconds) => (now = new Date(now.getTime() + seconds * 1000)) };
}

const fakeKey = (n: number) => `vsnp_test_${String(n).padStart(32, 'x')}`;
const bearer = (key: string) => `Bearer ${key}`;

/**
 * The authorizer's memory of API key lookups (functions/use-cases/authenticate.ts), over the real
 * DynamoDB adapter against DynamoDB Local: what a key costs in reads, and how long a revoked key
 * keeps working (the clock is the test's, so nothing here waits).
 */
describe('remembered API key lookups', () => {
  let directory: DynamoDbDirectory;
  const accountId = 'acc_cache';

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const tableName = `auth-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    directory = new DynamoDbDirectory(createDocumentClient(client), tableName);
    await createAccount({ directory, clock: manualClock() }, { id: accountId, name: 'Cache' });
  });

  const setUp = (maxEntries = 100) => {
    const clock = manualClock();
    const counted = countingLookups(directory);
    const lookup = rememberedKeyLookups(counted, { ttlSeconds: TTL_SECONDS, maxEntries, clock });
    return { clock, counted, auth: (header: string) => authenticate({ directory: lookup }, header) };
  };

  it('reads an unknown key once, however often it is presented within the time to live, and again after it', async () => {
    const { clock, counted, auth } = setUp();
    for (let i = 0; i < 50; i++)
      expect(await auth(bearer(fakeKey(1)))).toEqual({ authenticated: false, reason: 'invalid_api_key' });
    expect(counted.reads).toBe(1);
    clock.advanceSeconds(TTL_SECONDS);
    await auth(bearer(fakeKey(1)));
    expect(counted.reads).toBe(2);
  });

  it('costs one read per distinct well-formed fake key, and none for a malformed one', async () => {
    const { counted, auth } = setUp();
    for (let i = 0; i < 10; i++) await auth(bearer(fakeKey(i)));
    expect(counted.reads).toBe(10);
    for (const header of ['Bearer not-a-key', `Bearer vsnp_prod_${'a'.repeat(32)}`, 'Basic abc']) {
      expect(await auth(header)).toEqual({ authenticated: false, reason: 'malformed_api_key' });
    }
    expect(counted.reads).toBe(10);
  });

  it('reads a valid key once per time to live; a revoked key works until its remembered answer expires, then never', async () => {
    const { clock, counted, auth } = setUp();
    const deps = { directory, clock };
    const { key, secret } = await issueApiKey(deps, { accountId, mode: 'test' });
    const caller = { authenticated: true, caller: { accountId, keyMode: 'test', keyId: key.id } };

    expect(await auth(bearer(secret))).toEqual(caller);
    // Another spelling of the same header is another API Gateway cache entry, but the same key here.
    expect(await auth(`bearer   ${secret}`)).toEqual(caller);
    expect(counted.reads).toBe(1);

    await revokeApiKey(deps, { accountId, keyId: key.id });
    clock.advanceSeconds(TTL_SECONDS - 1);
    expect(await auth(bearer(secret))).toEqual(caller);
    expect(counted.reads).toBe(1);

    clock.advanceSeconds(1);
    expect(await auth(bearer(secret))).toEqual({ authenticated: false, reason: 'invalid_api_key' });
    expect(counted.reads).toBe(2);
    // Its refusal is remembered like any unknown key's.
    expect(await auth(bearer(secret))).toEqual({ authenticated: false, reason: 'invalid_api_key' });
    expect(counted.reads).toBe(2);
  });

  it('keeps a bounded number of answers, and a flood of fake keys never pushes out a valid one', async () => {
    const { counted, auth } = setUp(3);
    const { secret } = await issueApiKey({ directory, clock: manualClock() }, { accountId, mode: 'live' });
    expect((await auth(bearer(secret))).authenticated).toBe(true);
    for (let i = 0; i < 10; i++) await auth(bearer(fakeKey(i)));
    expect(counted.reads).toBe(11);

    expect((await auth(bearer(secret))).authenticated).toBe(true);
    expect(counted.reads).toBe(11);
    // Only the three latest fake keys are remembered: the first is read again.
    await auth(bearer(fakeKey(9)));
    expect(counted.reads).toBe(11);
    await auth(bearer(fakeKey(0)));
    expect(counted.reads).toBe(12);
  });

  it('remembers nothing with a time to live of 0 (the local stack): every request reads, a revoke takes effect at once', async () => {
    const clock = manualClock();
    const counted = countingLookups(directory);
    const lookup = rememberedKeyLookups(counted, { ttlSeconds: 0, maxEntries: 100, clock });
    const { key, secret } = await issueApiKey({ directory, clock }, { accountId, mode: 'test' });
    expect((await authenticate({ directory: lookup }, bearer(secret))).authenticated).toBe(true);
    await revokeApiKey({ directory, clock }, { accountId, keyId: key.id });
    expect(await authenticate({ directory: lookup }, bearer(secret))).toEqual({
      authenticated: false,
      reason: 'invalid_api_key',
    });
    expect(counted.reads).toBe(2);
  });
});
