import { describe, expect, it } from 'vitest';
import { CreateCampaignRequestSchema } from '#schemas/campaign-request';
import { ListCallsQuerySchema } from '#schemas/list-calls-query';
import { ServiceError } from '#domain/errors';
import { CREATE_CALL_FIELD_CODES, CreateCallRequestSchema, LIMITS } from '#schemas/create-call-request';
import { parseOrThrow } from '#schemas/parse';

const valid = { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199' };
const parse = (body: unknown) =>
  parseOrThrow(CreateCallRequestSchema, body, { noun: 'field', fieldCodes: CREATE_CALL_FIELD_CODES });

function rejection(body: unknown): { code: string; param?: string; message: string } {
  try {
    parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    const { code, param, message, kind } = error as ServiceError;
    expect(kind).toBe('invalid_request');
    return { code, param, message };
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

describe('create call request', () => {
  it('accepts both published request bodies', () => {
    expect(
      parse({
        agentId: 'agt_01HXK8Z3MNPQRS',
        toNumber: '+14155550199',
        metadata: { customerId: 'cust_12345', customerName: 'Jane Smith', appointmentTime: '2025-06-20T10:00:00' },
        overrideFirstMessage:
          'Hi Jane, this is Aria calling from Acme to confirm your appointment on June 20th at 10 AM.',
      }).toNumber,
    ).toBe('+14155550199');
    expect(
      parse({
        agentId: 'agt_01HXK8Z3MNPQRS',
        toNumber: '+14155550199',
        scheduledFor: '2025-06-17T09:00:00Z',
        metadata: { customerId: 'cust_12345' },
        maxRetries: 2,
        retryDelayMinutes: 30,
      }).maxRetries,
    ).toBe(2);
  });

  it.each([
    [{ toNumber: '+14155550199' }, 'missing_field', 'agentId'],
    [{ agentId: 'agt_1' }, 'missing_field', 'toNumber'],
    [{ ...valid, toNumber: '4155550199' }, 'invalid_phone_number', 'toNumber'],
    [{ ...valid, toNumber: '+1415' }, 'invalid_phone_number', 'toNumber'],
    [{ ...valid, toNumber: '+1 415 555 0199' }, 'invalid_phone_number', 'toNumber'],
    [{ ...valid, toNumber: 14155550199 }, 'invalid_phone_number', 'toNumber'],
    [{ ...valid, fromNumber: '415-555-0123' }, 'invalid_phone_number', 'fromNumber'],
    [{ ...valid, scheduledFor: '2025-06-17T09:00:00' }, 'invalid_scheduled_for', 'scheduledFor'],
    [{ ...valid, scheduledFor: 'tomorrow at nine' }, 'invalid_scheduled_for', 'scheduledFor'],
    [{ ...valid, scheduledFor: '2025-02-30T09:00:00Z' }, 'invalid_scheduled_for', 'scheduledFor'],
    [{ ...valid, maxRetries: 4 }, 'invalid_field', 'maxRetries'],
    [{ ...valid, maxRetries: -1 }, 'invalid_field', 'maxRetries'],
    [{ ...valid, maxRetries: 1.5 }, 'invalid_field', 'maxRetries'],
    [{ ...valid, retryDelayMinutes: 0 }, 'invalid_field', 'retryDelayMinutes'],
    [{ ...valid, retryDelayMinutes: '15' }, 'invalid_field', 'retryDelayMinutes'],
    [{ ...valid, metadata: ['a'] }, 'invalid_metadata', 'metadata'],
    [{ ...valid, metadata: 'x' }, 'invalid_metadata', 'metadata'],
    [{ ...valid, metadata: { blob: 'x'.repeat(LIMITS.metadataBytes) } }, 'invalid_metadata', 'metadata'],
    [{ ...valid, overrideFirstMessage: '' }, 'invalid_field', 'overrideFirstMessage'],
    [{ ...valid, agentId: '' }, 'invalid_field', 'agentId'],
    [{ ...valid, scheduledfor: '2025-06-17T09:00:00Z' }, 'unknown_field', 'scheduledfor'],
  ])('rejects %j with %s on %s', (body, code, param) => {
    const error = rejection(body);
    expect(error).toMatchObject({ code, param });
    expect(error.message).toContain(param);
  });

  it('suggests the field a typo meant', () => {
    expect(rejection({ ...valid, scheduledfor: '2025-06-17T09:00:00Z' }).message).toContain(
      'Did you mean "scheduledFor"?',
    );
    expect(rejection({ ...valid, max_retries: 2 }).message).toContain('Did you mean "maxRetries"?');
    // Within two edits (before: only case, `_` and `-` differences got a suggestion).
    expect(rejection({ ...valid, scheduleFor: '2025-06-17T09:00:00Z' }).message).toContain(
      'Did you mean "scheduledFor"?',
    );
    expect(rejection({ ...valid, toNumbr: '+14155550199' }).message).toContain('Did you mean "toNumber"?');
    expect(rejection({ ...valid, colour: 'red' }).message).toBe('Unknown field "colour".');
  });

  it('suggests nothing for a short name that is only near by length (one edit under six characters)', () => {
    const message = (schema: Parameters<typeof parseOrThrow>[0], input: object) => {
      try {
        parseOrThrow(schema, input, { noun: 'field' });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message(ListCallsQuerySchema, { tag: 'x' })).toBe('Unknown field "tag".');
    expect(message(ListCallsQuerySchema, { name: 'x' })).toBe('Unknown field "name".');
    expect(message(ListCallsQuerySchema, { pag: '2' })).toContain('Did you mean "page"?');
    for (const field of ['date', 'time', 'page'])
      expect(message(CreateCampaignRequestSchema, { [field]: 'x' })).toBe(`Unknown field "${field}".`);
  });

  it('rejects a body that is not an object', () => {
    for (const body of [[], 'text', 42, null]) expect(rejection(body).code).toBe('invalid_request_body');
  });

  it('accepts nested metadata, offsets in scheduledFor and the range ends', () => {
    const parsed = parse({
      ...valid,
      metadata: { customer: { id: 'c1', tags: ['vip'] }, attempt: 1 },
      scheduledFor: '2025-06-17T11:00:00+02:00',
      maxRetries: 3,
      retryDelayMinutes: 1,
    });
    expect(parsed.metadata).toEqual({ customer: { id: 'c1', tags: ['vip'] }, attempt: 1 });
    expect(parse({ ...valid, maxRetries: 0, scheduledFor: null }).scheduledFor).toBeNull();
  });
});

describe('messages for a value of the wrong kind', () => {
  const campaignRejection = (body: Record<string, unknown>) => {
    try {
      parseOrThrow(
        CreateCampaignRequestSchema,
        {
          name: 'x',
          agentId: 'agt_1',
          startAt: '2030-01-01T00:00:00Z',
          contacts: [{ toNumber: '+14155550100' }],
          ...body,
        },
        { noun: 'field' },
      );
    } catch (error) {
      return { param: (error as ServiceError).param, message: (error as ServiceError).message };
    }
    return null;
  };

  it('say what was expected and what came (before: "pacing is invalid.")', () => {
    expect(campaignRejection({ pacing: null })).toEqual({
      param: 'pacing',
      message: 'pacing must be an object; it is null.',
    });
    expect(campaignRejection({ contacts: ['+14155550100'] })).toEqual({
      param: 'contacts.0',
      message: 'contacts.0 must be an object; it is a string.',
    });
    // A field with its own message keeps it.
    expect(campaignRejection({ contacts: { toNumber: '+14155550100' } })?.message).toBe(
      'contacts must be an array of contacts.',
    );
  });
});
