import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredCall } from '#schemas/call';
import { createCampaign, pauseCampaign } from '#use-cases/campaigns';
import { dialCall } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { CALLER, campaignRequest, fakeCampaignWorld } from '../../support/fakes/campaign-world.ts';

/**
 * One run: a campaign of `contacts` due calls, dialers working through their messages (some
 * delivered twice) while a pause comes in. Every port call of the dialers and of the pause waits
 * for the fast-check scheduler, so each run is one interleaving of their reads and writes. Returns
 * the log: `gate:<callId>` where a call's queued → initiating write committed (a dial started),
 * `paused` where the pause's write committed, `answered` where pauseCampaign returned.
 */
async function race(scheduler: fc.Scheduler, contacts: number, duplicates: number[], withGate: boolean) {
  const world = fakeCampaignWorld();
  const request = campaignRequest(contacts, { pacing: { callsPerMinute: 600 } });
  const { campaign } = await createCampaign(world.deps, { caller: CALLER, request, rawRequest: request });
  world.clock.advance(10);
  if (!withGate) world.table.campaignGate = null;
  const log: string[] = [];

  const interleaved = <A extends unknown[], R>(label: string, fn: (...args: A) => Promise<R>) => {
    return async (...args: A): Promise<R> => {
      await scheduler.schedule(Promise.resolve(), label);
      return fn(...args);
    };
  };
  const table = world.table;
  const update = table.update.bind(table);
  table.update = interleaved('update', async (next: StoredCall, previous: StoredCall) => {
    const written = await update(next, previous);
    if (previous.status === 'queued' && written.status === 'initiating') log.push(`gate:${written.id}`);
    return written;
  });
  table.getById = interleaved('getById', table.getById.bind(table));
  table.touchWatchdog = interleaved('touchWatchdog', table.touchWatchdog.bind(table));
  table.getForDial = interleaved('getForDial', table.getForDial.bind(table));
  const store = world.campaigns;
  store.get = interleaved('campaign.get', store.get.bind(store));
  const setStatus = store.setStatus.bind(store);
  store.setStatus = interleaved('campaign.setStatus', async (...args: Parameters<typeof setStatus>) => {
    const written = await setStatus(...args);
    if (written.status === 'paused') log.push('paused');
    return written;
  });

  const calls = table.all();
  const messages = [...calls, ...duplicates.map((i) => calls[i % calls.length] as StoredCall)].map(dialMessageFor);
  const dials = messages.map((message) => dialCall(world.deps, message));
  const pause = pauseCampaign(world.deps, 'acc_demo', campaign.id).then(() => log.push('answered'));
  await scheduler.waitFor(Promise.all([...dials, pause]));
  return { log, placed: world.provider.placed.length };
}

const dialsAfter = (log: string[], mark: string) =>
  log.slice(log.indexOf(mark)).filter((entry) => entry.startsWith('gate:'));

describe('pause racing the dialer', () => {
  it('never lets a dial start after the pause answered (nor after its write), over many interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(10), { maxLength: 4 }),
        async (scheduler, contacts, duplicates) => {
          const { log, placed } = await race(scheduler, contacts, duplicates, true);
          expect(log).toContain('answered');
          expect(dialsAfter(log, 'paused')).toEqual([]);
          expect(dialsAfter(log, 'answered')).toEqual([]);
          // Each call dialed before the pause was placed once: the gate never lets one through twice.
          expect(placed).toBe(log.filter((entry) => entry.startsWith('gate:')).length);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  it('is a test that can fail: without the condition in the gate write, some interleaving dials after the pause', async () => {
    const result = await fc.check(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (scheduler, contacts) => {
        const { log } = await race(scheduler, contacts, [], false);
        return dialsAfter(log, 'paused').length === 0;
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(result.failed).toBe(true);
  }, 120_000);
});
