import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '#schemas/webhooks';
import { inPublishOrder } from '#use-cases/publish-order';

const TYPES = ['SessionStarted', 'SessionEnded', 'OutboundCallStatusChanged', 'CampaignCompleted'] as const;
const event = (id: string, type: (typeof TYPES)[number]) =>
  ({ id, type, createdAt: '2026-12-01T00:00:00Z', data: {} }) as unknown as WebhookEvent;

/** The order in which a stream batch's events reach the bus (events-stream.ts). */
describe('inPublishOrder', () => {
  it('keeps the records’ order, puts every CampaignCompleted last, and sends each event once', () => {
    fc.assert(
      fc.property(
        // Records with events whose ids repeat now and then (a completion produced twice).
        fc.uniqueArray(fc.nat({ max: 50 }), { maxLength: 12 }).chain((indexes) =>
          fc.tuple(
            ...indexes.map((index) =>
              fc.record({
                index: fc.constant(index),
                events: fc.array(
                  fc.tuple(fc.nat({ max: 15 }), fc.constantFrom(...TYPES)).map(([n, type]) =>
                    // The same id is the same event: a completion's id is its campaign's.
                    event(type === 'CampaignCompleted' ? `cmp_${n % 3}` : `evt_${index}_${n}`, type),
                  ),
                  { maxLength: 4 },
                ),
              }),
            ),
          ),
        ),
        (items) => {
          const ordered = inPublishOrder(items);
          const sent = ordered.flatMap((item) => item.events);
          // Each event of the batch once.
          const ids = sent.map((e) => e.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(new Set(ids)).toEqual(new Set(items.flatMap((item) => item.events.map((e) => e.id))));
          // Completions after everything else.
          const firstCompletion = sent.findIndex((e) => e.type === 'CampaignCompleted');
          if (firstCompletion >= 0)
            expect(sent.slice(firstCompletion).every((e) => e.type === 'CampaignCompleted')).toBe(true);
          // The other events in the records' order, each record's in its own order.
          const others = ordered.filter((item) => item.events.some((e) => e.type !== 'CampaignCompleted'));
          expect(others.map((item) => item.index)).toEqual([...others.map((item) => item.index)].sort((a, b) => a - b));
          for (const item of ordered) {
            const source = items.find((original) => original.index === item.index);
            const positions = item.events.map((e) => source?.events.indexOf(e) ?? -1);
            expect(positions.every((p) => p >= 0)).toBe(true);
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
          }
          // No item without an event.
          expect(ordered.every((item) => item.events.length > 0)).toBe(true);
        },
      ),
    );
  });

  it('moves a completion produced by an earlier record behind a later record’s call events', () => {
    const ordered = inPublishOrder([
      { index: 5, events: [event('evt_b', 'SessionEnded')] },
      { index: 3, events: [event('evt_a', 'SessionEnded'), event('cmp_1', 'CampaignCompleted')] },
    ]);
    expect(ordered.map((item) => [item.index, item.events.map((e) => e.id)])).toEqual([
      [3, ['evt_a']],
      [5, ['evt_b']],
      [3, ['cmp_1']],
    ]);
  });
});
