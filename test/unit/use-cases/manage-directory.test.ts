import { describe, expect, it } from 'vitest';
import { hashApiKey } from '#domain/api-key';
import { addNumber, createAccount, createAgent, issueApiKey, revokeApiKey } from '#use-cases/manage-directory';
import { FakeClock } from '../../support/fakes/clock.ts';
import { FakeDirectory } from '../../support/fakes/directory.ts';

const world = () => ({ directory: new FakeDirectory(), clock: new FakeClock() });

/** The operator's tasks behind `npm run admin`: each refuses bad input with a 400 naming the field, and writes nothing then. */
describe('manage-directory', () => {
  it('creates an account with the default limit, and refuses a bad id or limit', async () => {
    const deps = world();
    const account = await createAccount(deps, { name: 'Acme' });
    expect(account).toMatchObject({ name: 'Acme', concurrentCallLimit: 10, createdAt: '2030-01-01T12:00:00Z' });
    expect(account.id).toMatch(/^acc_[0-9A-Z]{26}$/);
    await expect(createAccount(deps, { name: 'x', id: 'has space' })).rejects.toMatchObject({
      code: 'invalid_id',
      param: 'accountId',
    });
    await expect(createAccount(deps, { name: 'x', concurrentCallLimit: 0 })).rejects.toMatchObject({
      code: 'invalid_limit',
    });
    expect(deps.directory.accounts.size).toBe(1);
  });

  it('issues a key that is stored only as its hash, and revokes it', async () => {
    const deps = world();
    const { key, secret } = await issueApiKey(deps, { accountId: 'acc_1', mode: 'test' });
    expect(secret).toMatch(/^vsnp_test_/);
    expect(key.hash).toBe(hashApiKey(secret));
    expect(JSON.stringify([...deps.directory.apiKeys.values()])).not.toContain(secret);
    deps.clock.advance(60);
    await revokeApiKey(deps, { accountId: 'acc_1', keyId: key.id });
    expect((await deps.directory.findApiKeyByHash(key.hash))?.revokedAt).toBe('2030-01-01T12:01:00Z');
  });

  it('refuses a first message that is empty or holds a character TwiML cannot carry', async () => {
    const deps = world();
    for (const message of ['  ', 'Hi\u0001', 'Hi\uFFFF', 'Hi\u007F']) {
      await expect(
        createAgent(deps, { accountId: 'acc_1', name: 'A', defaultFirstMessage: message }),
      ).rejects.toMatchObject({
        code: 'invalid_first_message',
        param: 'defaultFirstMessage',
      });
    }
    const agent = await createAgent(deps, { accountId: 'acc_1', name: 'A', defaultFirstMessage: 'Hello,\tthere\n😀' });
    expect(agent).toMatchObject({ numbers: [], defaultFromNumber: null });
    expect(deps.directory.agents.size).toBe(1);
  });

  it('adds only E.164 numbers', async () => {
    const deps = world();
    await expect(addNumber(deps, { accountId: 'acc_1', number: '415 555 0123' })).rejects.toMatchObject({
      code: 'invalid_phone_number',
      param: 'number',
    });
    expect(deps.directory.numbers.size).toBe(0);
  });
});
