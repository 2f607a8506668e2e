import { describe, expect, it } from 'vitest';
import { afterWrite } from '#use-cases/after-write';

/** Work after a write answers within its deadline, whatever the work does, and never rejects. */
describe('afterWrite', () => {
  it('says null for work that finished, and the error for work that failed', async () => {
    expect(await afterWrite(async () => 'done', 1000)).toBeNull();
    const failure = new Error('queue refused');
    expect(await afterWrite(async () => Promise.reject(failure), 1000)).toBe(failure);
    expect(await afterWrite(() => Promise.reject(undefined), 1000)).toBeInstanceOf(Error);
    expect(
      await afterWrite(() => {
        throw failure;
      }, 1000),
    ).toBe(failure);
  });

  it('gives up on work that hangs, and swallows its later failure', async () => {
    let fail: (error: Error) => void = () => undefined;
    const hanging = new Promise<void>((_resolve, reject) => {
      fail = reject;
    });
    const outcome = await afterWrite(() => hanging, 10);
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toContain('not confirmed within 10 ms');
    fail(new Error('late failure'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
