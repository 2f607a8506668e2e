import { describe, expect, it } from 'vitest';
import { authenticate, rememberedKeyLookups } from '#use-cases/authenticate';
import { issueApiKey, revokeApiKey } from '#use-cases/manage-directory';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

function world() {
  const clock = new FakeClock();
  const directory = new FakeDirectory();
  return { clock, directory, deps: { directory, clock } };
}

describe('authenticate', () => {
  it('resolves a bearer key to its account and mode, and refuses a revoked, unknown or malformed one', async () => {
    const { deps } = world();
    const { key, secret } = await issueApiKey(deps, { accountId: 'acc_demo', mode: 'test' });
    expect(await authenticate(deps, `Bearer ${secret}`)).toEqual({
      authenticated: true,
      caller: { accountId: 'acc_demo', keyMode: 'test', keyId: key.id },
    });
    expect(await authenticate(deps, undefined)).toMatchObject({ reason: 'missing_api_key' });
    expect(await authenticate(deps, 'Bearer not-a-key')).toMatchObject({ reason: 'malformed_api_key' });
    expect(await authenticate(deps, `Bearer ${secret.replace('vsnp_test_', 'vsnp_live_')}`)).toMatchObject({
      reason: 'invalid_api_key',
    });
    await revokeApiKey(deps, { accountId: 'acc_demo', keyId: key.id });
    expect(await authenticate(deps, `Bearer ${secret}`)).toMatchObject({ reason: 'invalid_api_key' });
  });

  it('remembers lookups for their time to live, found or not, and asks again after it', async () => {
    const { deps, clock, directory } = world();
    const { secret } = await issueApiKey(deps, { accountId: 'acc_demo', mode: 'live' });
    let reads = 0;
    const counting = {
      findApiKeyByHash: (hash: string) => {
        reads += 1;
        return directory.findApiKeyByHash(hash);
      },
    };
    const remembered = { directory: rememberedKeyLookups(counting, { ttlSeconds: 60, maxEntries: 10, clock }) };
    await authenticate(remembered, `Bearer ${secret}`);
    await authenticate(remembered, `Bearer ${secret}`);
    // A well-formed key nobody issued (built here, so that no key-shaped literal sits in the repo).
    const unknownKey = `vsnp_live_${'UnknownKey'.repeat(3)}12`;
    await authenticate(remembered, `Bearer ${unknownKey}`);
    await authenticate(remembered, `Bearer ${unknownKey}`);
    expect(reads).toBe(2);
    clock.advance(61);
    await authenticate(remembered, `Bearer ${secret}`);
    expect(reads).toBe(3);
  });
});
