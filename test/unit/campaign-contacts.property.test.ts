import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBody, type ApiEvent } from '#handlers/http/api-handler';
import { AppendContactsRequestSchema, CAMPAIGN_FIELD_CODES } from '#schemas/campaign-request';
import { parseOrThrow } from '#schemas/parse';
import { readContacts } from '../../tools/campaign/contacts.ts';
import { callsPerMinuteFor, planCampaign } from '../../tools/campaign/plan.ts';

const settings = {
  campaign: 'spring',
  agentId: 'agt_01HXK8Z3MNPQRS',
  start: new Date('2030-06-17T09:00:00Z'),
  everyMs: 120_000,
};

/** A CSV field as a careless or hostile file may hold it, quoted the RFC 4180 way when it must be. */
const field = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(
      '+14155550100',
      '+14155550199',
      '415 555 0101',
      '',
      '__proto__',
      'constructor',
      'Smith, Jane',
      'say "hi"',
      'a\nb',
      '\u0001',
      'x'.repeat(9000),
    ),
  )
  .map((value) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value));
const header = fc
  .array(fc.oneof(field, fc.constantFrom('notes', '__proto__', 'constructor', 'campaignId', 'a\u0000b')), {
    maxLength: 3,
  })
  .map((extra) => ['phone', 'id', 'name', ...extra]);
const csv = fc.oneof(
  header.chain((columns) =>
    fc
      .array(fc.array(field, { minLength: columns.length, maxLength: columns.length }), { maxLength: 8 })
      .map((rows) => [columns.join(','), ...rows.map((row) => row.join(','))].join('\n')),
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/**
 * The campaign command reads files written by people: whatever a file holds, reading and planning
 * never throw, and every request it plans is one the campaigns API accepts as sent (so a run never stops halfway
 * on a row it should have reported up front).
 */
describe('campaign contacts files, as hostile input', () => {
  it('plans only calls the API accepts, and reports every other row with its line', () => {
    fc.assert(
      fc.property(csv, (text) => {
        const { contacts, problems } = readContacts(text);
        for (const problem of problems) expect(problem.line).toBeGreaterThanOrEqual(1);
        const plan = planCampaign(text, contacts, { ...settings, chunkSize: 3 });
        for (const problem of plan.problems) expect(problem.message.length).toBeGreaterThan(0);
        for (const chunk of plan.chunks) {
          const event = { body: JSON.stringify({ contacts: chunk.contacts }), isBase64Encoded: false } as ApiEvent;
          expect(() =>
            parseOrThrow(AppendContactsRequestSchema, jsonBody(event), {
              noun: 'field',
              fieldCodes: CAMPAIGN_FIELD_CODES,
            }),
          ).not.toThrow();
        }
        expect(plan.total + plan.problems.length).toBe(contacts.length);
      }),
      { numRuns: 400 },
    );
  });

  it('takes the required columns in any case, keeping the other headers as written (before: "Phone,ID,Name" was refused)', () => {
    const { contacts, problems } = readContacts('Phone,ID,Name,Tier\n+14155550199,c1,Jane,Gold\n');
    expect(problems).toEqual([]);
    expect(contacts).toEqual([{ line: 2, phone: '+14155550199', id: 'c1', name: 'Jane', extra: { Tier: 'Gold' } }]);
    expect(readContacts('Phone,phone,id,name\n+14155550199,+14155550199,c1,Jane\n').problems).toEqual([
      { line: 1, message: 'column phone appears more than once' },
    ]);
  });

  it('reports a column the API would refuse as a metadata key', () => {
    const text = 'phone,id,name,__proto__\n+14155550100,c1,Jane,x\n';
    const plan = planCampaign(text, readContacts(text).contacts, settings);
    expect(plan.chunks).toEqual([]);
    expect(plan.problems[0]?.message).toContain('prototype');
  });
});

describe('campaign plan', () => {
  const text = `phone,id,name\n${Array.from({ length: 25 }, (_, i) => `+1415555${1000 + i},c${i},N${i}`).join('\n')}\n`;

  it('cuts the contacts into requests, each with the same key on every run and its own key per chunk', () => {
    const plan = planCampaign(text, readContacts(text).contacts, { ...settings, chunkSize: 10 });
    expect(plan.chunks.map((chunk) => [chunk.offset, chunk.contacts.length])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
    expect(plan.chunks[0]?.contacts[0]).toEqual({
      toNumber: '+14155551000',
      metadata: { customerId: 'c0', customerName: 'N0' },
    });
    const again = planCampaign(text, readContacts(text).contacts, { ...settings, chunkSize: 10 });
    expect(again.chunks.map((chunk) => chunk.idempotencyKey)).toEqual(plan.chunks.map((chunk) => chunk.idempotencyKey));
    expect(new Set(plan.chunks.map((chunk) => chunk.idempotencyKey)).size).toBe(3);
    const otherStart = planCampaign(text, readContacts(text).contacts, { ...settings, chunkSize: 10, everyMs: 60_000 });
    expect(otherStart.chunks[0]?.idempotencyKey).not.toBe(plan.chunks[0]?.idempotencyKey);
  });

  it('reports a number that is on two lines', () => {
    const twice = 'phone,id,name\n+14155550100,c1,A\n+14155550100,c2,B\n';
    const plan = planCampaign(twice, readContacts(twice).contacts, settings);
    expect(plan.problems).toEqual([
      { line: 3, message: 'phone +14155550100 is also on line 2; call each number once' },
    ]);
  });

  it('paces 60 / every seconds calls a minute, within the API bounds', () => {
    expect(callsPerMinuteFor(120_000)).toBe(0.5);
    expect(callsPerMinuteFor(1000)).toBe(60);
    expect(callsPerMinuteFor(5_400_000)).toBeCloseTo(1 / 90);
    expect(callsPerMinuteFor(100_000_000)).toBeUndefined();
  });
});
