import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTACTS_GRACE_MS } from '#domain/campaign';
import { appendContacts, createCampaign } from '#use-cases/campaigns';
import { reconcile } from '#use-cases/reconcile';
import { CALLER, campaignRequest, slowCampaignWorld, numbers } from '../../support/fakes/campaign-world.ts';

/** What may happen to the campaign's background work between the request and the end. */
const step = fc.oneof(
  fc.constant({ kind: 'deliver' as const }),
  fc.constant({ kind: 'deliver twice' as const }),
  fc.constant({ kind: 'lose' as const }),
  fc.constant({ kind: 'deliver the last first' as const }),
  fc.constant({ kind: 'repeat the request' as const }),
  fc.constant({ kind: 'reconciler, later' as const }),
  fc.constant({ kind: 'append' as const }),
);

/**
 * Whatever the budget, the page size and what the queue does with the pages (duplicates, losses,
 * reordering), with the request repeated under its Idempotency-Key, appends between, and the
 * reconciler making up lost pages: every contact ends with exactly one call, and the campaign leaves the reconciler's view.
 */
describe('a campaign’s contacts, made by its request and its background work', () => {
  it('each get exactly one call, whatever happens to the pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(step, { maxLength: 25 }),
        async (contacts, budgetSeconds, pageSize, concurrency, steps) => {
          const world = slowCampaignWorld({
            contactConcurrency: concurrency,
            callsBudgetMs: budgetSeconds * 1000,
            sweepPageSize: pageSize,
          });
          const request = campaignRequest(contacts);
          const send = () =>
            createCampaign(world.deps, { caller: CALLER, request, rawRequest: request, idempotencyKey: 'k' });
          const { campaign } = await send();
          expect(campaign.counts.total).toBe(contacts);
          const expected = numbers(contacts);

          for (const { kind } of steps) {
            if (kind === 'repeat the request') {
              expect((await send()).campaign.id).toBe(campaign.id);
              continue;
            }
            if (kind === 'append') {
              const more = numbers(3, 1000 + expected.length).map((toNumber) => ({ toNumber }));
              await appendContacts(world.deps, {
                caller: CALLER,
                campaignId: campaign.id,
                contacts: more,
                rawRequest: { contacts: more },
                idempotencyKey: `append-${expected.length}`,
              });
              expected.push(...more.map((contact) => contact.toNumber));
              continue;
            }
            if (kind === 'reconciler, later') {
              world.clock.advance(CONTACTS_GRACE_MS / 1000 + 1);
              await reconcile(world.deps);
              continue;
            }
            const message = kind === 'deliver the last first' ? world.sweeps.pop() : world.sweeps.shift();
            if (!message || kind === 'lose') continue;
            if (kind === 'deliver twice') await world.handle(structuredClone(message));
            await world.handle(message);
          }
          // Then the queue delivers what is left, and the reconciler makes up for what was lost.
          for (let round = 0; round < 100; round++) {
            await world.runSweeps();
            world.clock.advance(CONTACTS_GRACE_MS / 1000 + 1);
            if ((await reconcile(world.deps)).campaignContactsResent === 0 && world.sweeps.length === 0) break;
          }

          const calls = world.table.all().filter((call) => call.campaignId === campaign.id);
          expect(calls.map((call) => call.toNumber).sort()).toEqual(expected.sort());
          expect(world.campaigns.contactsDueAt.has(campaign.id)).toBe(false);
          expect(world.campaigns.campaigns.size).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
