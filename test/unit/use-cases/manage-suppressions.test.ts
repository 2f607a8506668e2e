import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '#domain/errors';
import {
  addSuppression,
  isSuppressed,
  listSuppressions,
  phoneNumberFromPath,
  removeSuppression,
  suppressedAmong,
} from '#use-cases/manage-suppressions';
import { FakeClock } from '../../support/fakes/clock.ts';
import { InMemorySuppressionStore } from '../../support/fakes/suppressions.ts';

const ACCOUNT = 'acc_suppressing';

function world() {
  const clock = new FakeClock(new Date('2030-01-01T12:00:00Z'));
  return { suppressions: new InMemorySuppressionStore(), clock };
}

describe('manage-suppressions', () => {
  it('adds a number once: adding it again answers the entry as first stored, not created', async () => {
    const deps = world();
    const first = await addSuppression(deps, ACCOUNT, { phoneNumber: '+14155550199', reason: 'asked us to stop' });
    expect(first).toEqual({
      created: true,
      suppression: { phoneNumber: '+14155550199', reason: 'asked us to stop', createdAt: '2030-01-01T12:00:00Z' },
    });
    deps.clock.advance(60);
    const again = await addSuppression(deps, ACCOUNT, { phoneNumber: '+14155550199' });
    expect(again).toEqual({ created: false, suppression: first.suppression });
    expect(await isSuppressed(deps, ACCOUNT, '+14155550199')).toBe(true);
    expect(await isSuppressed(deps, 'acc_other', '+14155550199')).toBe(false);
  });

  it('removes a number given URL-encoded or not, and answers 404 naming phoneNumber when it is not listed', async () => {
    const deps = world();
    await addSuppression(deps, ACCOUNT, { phoneNumber: '+14155550199' });
    await removeSuppression(deps, ACCOUNT, '%2B14155550199');
    expect(await isSuppressed(deps, ACCOUNT, '+14155550199')).toBe(false);
    await expect(removeSuppression(deps, ACCOUNT, '+14155550199')).rejects.toMatchObject({
      kind: 'not_found',
      code: 'suppression_not_found',
      param: 'phoneNumber',
    });
  });

  it('refuses any path segment that is not an E.164 number with a 400 naming phoneNumber', () => {
    expect(phoneNumberFromPath('%2B14155550199')).toBe('+14155550199');
    expect(phoneNumberFromPath('+14155550199')).toBe('+14155550199');
    fc.assert(
      fc.property(fc.string(), (raw) => {
        let decoded: string | null;
        try {
          decoded = phoneNumberFromPath(raw);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_phone_number', param: 'phoneNumber' });
          return;
        }
        expect(decoded).toMatch(/^\+[1-9]\d{1,14}$/);
      }),
    );
    for (const raw of ['%E0%A4%A', '4155550199', '%2B0123', ''])
      expect(() => phoneNumberFromPath(raw), raw).toThrow(ServiceError);
  });

  it('finds the suppressed among many numbers, and asks the store nothing for none', async () => {
    const deps = world();
    await addSuppression(deps, ACCOUNT, { phoneNumber: '+14155550101' });
    await addSuppression(deps, ACCOUNT, { phoneNumber: '+14155550103' });
    const numbers = ['+14155550101', '+14155550102', '+14155550103'];
    expect(await suppressedAmong(deps, ACCOUNT, numbers)).toEqual(new Set(['+14155550101', '+14155550103']));
    const untouchable = { suppressions: {} as InMemorySuppressionStore };
    expect(await suppressedAmong(untouchable, ACCOUNT, [])).toEqual(new Set());
  });

  it('lists in number order, by page and by cursor alike', async () => {
    const deps = world();
    const numbers = Array.from({ length: 7 }, (_, i) => `+1415555020${6 - i}`);
    for (const phoneNumber of numbers) await addSuppression(deps, ACCOUNT, { phoneNumber });
    const sorted = [...numbers].sort();

    const byPage = [];
    for (let page = 1; page <= 3; page++)
      byPage.push(...(await listSuppressions(deps, ACCOUNT, { page, pageSize: 3 })).data.map((s) => s.phoneNumber));
    expect(byPage).toEqual(sorted);

    const byCursor = [];
    let listed = await listSuppressions(deps, ACCOUNT, { pageSize: 3 });
    byCursor.push(...listed.data.map((s) => s.phoneNumber));
    while (listed.nextCursor) {
      listed = await listSuppressions(deps, ACCOUNT, { pageSize: 3, cursor: listed.nextCursor });
      byCursor.push(...listed.data.map((s) => s.phoneNumber));
    }
    expect(byCursor).toEqual(sorted);
    expect(listed).toMatchObject({ page: 3, hasMore: false, nextCursor: null });
  });

  it('refuses a cursor it did not issue, one for another page size, a page that disagrees, and a page too deep', async () => {
    const deps = world();
    for (const phoneNumber of ['+14155550201', '+14155550202', '+14155550203'])
      await addSuppression(deps, ACCOUNT, { phoneNumber });
    const { nextCursor } = await listSuppressions(deps, ACCOUNT, { pageSize: 2 });
    expect(nextCursor).not.toBeNull();
    const cursor = nextCursor as string;
    for (const [query, code, param] of [
      [{ pageSize: 2, cursor: 'not-a-cursor' }, 'invalid_cursor', 'cursor'],
      [{ pageSize: 3, cursor }, 'invalid_cursor', 'cursor'],
      [{ pageSize: 2, cursor, page: 5 }, 'invalid_cursor', 'page'],
      [{ pageSize: 100, page: 101 }, 'page_too_deep', 'page'],
    ] as const) {
      await expect(listSuppressions(deps, ACCOUNT, query), JSON.stringify(query)).rejects.toMatchObject({
        kind: 'invalid_request',
        code,
        param,
      });
    }
  });
});
