import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBody, type ApiEvent } from '#handlers/http/api-handler';
import { CREATE_CALL_FIELD_CODES, CreateCallRequestSchema } from '#schemas/create-call-request';
import { parseOrThrow } from '#schemas/parse';
import { readContacts } from '../../tools/campaign/contacts.ts';
import { planCampaign } from '../../tools/campaign/plan.ts';

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
 * never throw, and every call it plans is one the API accepts as sent (so a run never stops halfway
 * on a row it should have reported up front).
 */
describe('campaign contacts files, as hostile input', () => {
  it('plans only calls the API accepts, and reports every other row with its line', () => {
    fc.assert(
      fc.property(csv, (text) => {
        const { contacts, problems } = readContacts(text);
        for (const problem of problems) expect(problem.line).toBeGreaterThanOrEqual(1);
        const plan = planCampaign(contacts, settings);
        for (const problem of plan.problems) expect(problem.message.length).toBeGreaterThan(0);
        for (const call of plan.calls) {
          const event = { body: JSON.stringify(call.request), isBase64Encoded: false } as ApiEvent;
          expect(() =>
            parseOrThrow(CreateCallRequestSchema, jsonBody(event), {
              noun: 'field',
              fieldCodes: CREATE_CALL_FIELD_CODES,
            }),
          ).not.toThrow();
        }
        expect(plan.calls.length + plan.problems.length).toBe(contacts.length);
      }),
      { numRuns: 400 },
    );
  });

  it('reports a column the API would refuse as a metadata key', () => {
    const { contacts } = readContacts('phone,id,name,__proto__\n+14155550100,c1,Jane,x\n');
    const plan = planCampaign(contacts, settings);
    expect(plan.calls).toEqual([]);
    expect(plan.problems[0]?.message).toContain('prototype');
  });
});
