import { describe, expect, it } from 'vitest';
import { getCall } from '#use-cases/get-call';
import { aCall } from '../../support/calls.ts';
import { fakeCallWorld } from '../../support/fakes/call-world.ts';

describe('getCall', () => {
  it('returns the caller’s call, and a 404 alike for another account’s call, an unknown id and a malformed one', async () => {
    const { deps, table } = fakeCallWorld();
    const call = aCall();
    await table.create(call);
    expect(await getCall(deps, 'acc_demo', call.id)).toEqual(call);
    for (const [accountId, callId] of [
      ['acc_other', call.id],
      ['acc_demo', 'obc_01JZZZZZZZZZZZZZZZZZZZZZZZ'],
      ['acc_demo', '../../etc/passwd'],
    ] as const) {
      await expect(getCall(deps, accountId, callId)).rejects.toMatchObject({
        kind: 'not_found',
        code: 'call_not_found',
      });
    }
  });
});
