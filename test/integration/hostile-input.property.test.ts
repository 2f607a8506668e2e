import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { SIGNATURE_HEADER, encodeForm, twilioSignature } from '#adapters/telephony/twilio-protocol';
import { METADATA_LIMITS } from '#schemas/metadata';
import { CALLS, callReaches, eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { ahead } from '../support/dates-ahead.ts';
import { PRIMARY_PREFIXES, tableFingerprint } from '../support/table-fingerprint.ts';

const HOOKS = '/api/v1/webhooks';
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];
const AGENT = 'agt_01HXK8Z3MNPQRS';
/** Accepted creates are scheduled years ahead, so nothing they start moves while the properties run. */
const LATER = ahead('2030-06-17T09:00:00Z');
const base = { agentId: AGENT, toNumber: '+14155550199', scheduledFor: LATER };

type Sent = { method: string; path: string; rawBody?: string; headers?: Record<string, string> };
type Answer = { status: number; body: any; text: string };

/**
 * Every HTTP input path, tried as an attacker or a careless client would (fast-check): whatever
 * is sent, the answer is a 2xx or a 4xx in the service's error shape, never a 5xx or a reset
 * connection; a 4xx changed nothing in the table; and whatever was accepted is stored, becomes an
 * event, and is delivered to the account's webhook endpoint.
 */
describe('hostile input on every route', () => {
  let api: TestApi;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let endpointId: string;
  const accepted: Array<{ id: string; metadata: unknown; overrideFirstMessage?: unknown }> = [];
  const db = () => createDocumentClient();

  beforeAll(async () => {
    api = await startTestApi({ environment: { WEBHOOK_BACKOFF_UNIT: '0.02', WEBHOOK_RETRY_WINDOW_SECONDS: '8' } });
    receiver = await startWebhookReceiver();
    const created = await api.request('POST', HOOKS, {
      body: { url: receiver.url, events: ['OutboundCallStatusChanged'] },
    });
    expect(created.status).toBe(201);
    endpointId = created.body.id;
  });
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
  });

  /** What requests can change: calls, idempotency records, and the account's own items (endpoints). */
  function primaryItems(): Promise<string> {
    return tableFingerprint(db(), api.stack.tableName, PRIMARY_PREFIXES, [
      'version',
      'revision',
      'updatedAt',
      'enabled',
    ]);
  }

  async function send(request: Sent): Promise<Answer> {
    const response = await fetch(`${api.stack.url}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${api.stack.apiKey}`, 'content-type': 'application/json', ...request.headers },
      body: request.rawBody,
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text };
  }

  /** The table as the last request left it: nothing else writes these items while the properties run. */
  let snapshot: string | undefined;

  /** The invariants every answer keeps; returns the answer for the caller's own checks. */
  async function sendHostile(request: Sent): Promise<Answer> {
    const before = snapshot ?? (await primaryItems());
    const answer = await send(request);
    expect(
      answer.status,
      `${request.method} ${request.path.slice(0, 200)} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
    ).toBeLessThan(500);
    if (answer.status >= 400) {
      expect(answer.body?.error, answer.text.slice(0, 300)).toMatchObject({
        type: expect.any(String),
        code: expect.any(String),
        message: expect.any(String),
      });
      snapshot = await primaryItems();
      expect(
        snapshot,
        `${request.method} ${request.path.slice(0, 200)} answered ${answer.status} but changed the table`,
      ).toBe(before);
    } else {
      snapshot = undefined;
    }
    return answer;
  }

  // ---- Arbitraries -------------------------------------------------------------------------

  /** Numbers that JSON can spell but no JavaScript or DynamoDB number holds exactly. */
  const wildNumber = fc.constantFrom(
    '1e309',
    '-1e400',
    '9007199254740993',
    '-9007199254740993',
    '1e-200',
    '123456789012345678901234567890',
    '-0',
    '0.1',
    '42',
  );
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      'Hello\u0001 there',
      'a\u000Bb',
      '\u0000',
      '\uD800',
      '\uFFFF',
      '\u0085',
      '<Say>&amp;</Say>',
      ']]>',
      '"\'<>&',
    ),
  );
  const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'x'.repeat(200)));
  /** JSON text (not a value), so that numbers and keys JavaScript would normalise reach the service as sent. */
  const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant('null'),
      fc.boolean().map(String),
      wildNumber,
      fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : '0')),
      text.map((s) => JSON.stringify(s)),
      fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 4 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  })).value;
  const nested = (depth: number, inner: string) => `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
  const metadataText = fc.oneof(
    jsonText,
    fc.integer({ min: 1, max: 40 }).map((depth) => nested(depth, '"deep"')),
    fc.integer({ min: 1, max: 20 }).chain((depth) => key.map((k) => nested(depth, `{${JSON.stringify(k)}:1}`))),
    fc
      .integer({ min: 200, max: 300 })
      .map((n) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))),
    fc.integer({ min: 8000, max: 8300 }).map((n) => JSON.stringify({ blob: 'x'.repeat(n) })),
  );
  const fieldValue = fc.oneof(
    jsonText,
    text.map((s) => JSON.stringify(s)),
  );
  const createBody = fc.oneof(
    {
      weight: 4,
      arbitrary: metadataText.map(
        (metadata) =>
          `{"agentId":"${AGENT}","toNumber":"+14155550199","scheduledFor":"${LATER}","metadata":${metadata}}`,
      ),
    },
    { weight: 2, arbitrary: text.map((message) => JSON.stringify({ ...base, overrideFirstMessage: message })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'agentId',
            'toNumber',
            'fromNumber',
            'scheduledFor',
            'maxRetries',
            'retryDelayMinutes',
            'overrideFirstMessage',
            'metadata',
            '__proto__',
            'constructor',
            'scheduledfor',
          ),
          fieldValue,
        )
        .map(
          ([name, value]) =>
            `{${Object.entries(base)
              .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
              .join(',')},${JSON.stringify(name)}:${value}}`,
        ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: jsonText },
  );
  /** A path segment as a client might send it: any text, percent-encoded or raw, or a broken escape. */
  const segment = fc.oneof(
    text.filter((s) => !/\p{Cs}/u.test(s)).map(encodeURIComponent),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', '%', '.', '~'), maxLength: 30 }),
    fc.constantFrom(
      '%E0%A4%A',
      '%',
      '%zz',
      'obc_01HXMN8ZABC123',
      `obc_${'Z'.repeat(26)}`,
      'x'.repeat(2000),
      '..',
      '%2F',
    ),
  );
  const queryParams = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'agentId',
          'status',
          'dateFrom',
          'dateTo',
          'page',
          'pageSize',
          'cursor',
          '__proto__',
          'constructor',
          'toString',
        ),
        text,
      ),
      fc.oneof(
        text,
        fc.constantFrom(
          '2025-06-01',
          '2025-02-30',
          '2025-06-01T00:00:00Z',
          '9999-12-31T23:59:59Z',
          '0',
          '-1',
          '1e309',
          '100',
          '101',
          'completed',
          'x'.repeat(3000),
        ),
      ),
    ),
    { maxLength: 4 },
  );
  const queryString = fc.oneof(
    queryParams.map((pairs) => {
      const search = new URLSearchParams();
      for (const [name, value] of pairs) search.append(name, value);
      return search.toString();
    }),
    fc.constantFrom(
      'dateFrom=2025-06-10&dateTo=2025-06-01',
      '%zz=1',
      'status=%E0%A4%A',
      'page=1&page=2',
      'cursor=eyJwYWdlIjoyfQ',
    ),
  );
  const webhookBody = fc.oneof(
    fc
      .record(
        {
          url: fc.oneof(
            fc.constant('RECEIVER'),
            text.map((s) => `RECEIVER/${s}`),
            text,
            fc.constantFrom('ftp://nope', 'javascript:alert(1)'),
          ),
          events: fc.oneof(fc.constant(['OutboundCallStatusChanged']), fc.array(text, { maxLength: 3 })),
          description: fc.oneof(text, fc.constant('d'.repeat(600))),
          enabled: fc.oneof(fc.boolean(), text),
        },
        { requiredKeys: [] },
      )
      .map((body) => JSON.stringify(body)),
    jsonText,
    fc.string({ unit: 'binary', maxLength: 100 }),
  );

  const params = { numRuns: 40, endOnFailure: true } as const;

  // ---- Properties --------------------------------------------------------------------------

  it('POST /outbound-calls: any body answers 201 or a 4xx that changed nothing; what is accepted is within the bounds', async () => {
    await fc.assert(
      fc.asyncProperty(createBody, async (rawBody) => {
        const answer = await sendHostile({ method: 'POST', path: CALLS, rawBody });
        if (answer.status === 201) {
          accepted.push({
            id: answer.body.id,
            metadata: answer.body.metadata,
            overrideFirstMessage: answer.body.overrideFirstMessage,
          });
          expect(Buffer.byteLength(JSON.stringify(answer.body.metadata))).toBeLessThanOrEqual(METADATA_LIMITS.bytes);
          // A body may still make an immediate call (a repeated key, `"scheduledFor": null`): let it
          // finish, so that nothing moves in the table while the next requests are judged.
          if (answer.body.status !== 'scheduled') {
            await callReaches(api, answer.body.id, TERMINAL, 60_000);
            snapshot = undefined;
          }
        }
      }),
      { ...params, numRuns: 100 },
    );
    expect(accepted.length).toBeGreaterThan(0);
  }, 300_000);

  it('Idempotency-Key: any header value answers 201 or a 4xx that changed nothing', async () => {
    // What an HTTP client lets through as a header value: visible ASCII and spaces, not at the ends.
    const headerValue = fc
      .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 })
      .map((value) => value.trim());
    await fc.assert(
      fc.asyncProperty(headerValue, async (value) => {
        const answer = await sendHostile({
          method: 'POST',
          path: CALLS,
          rawBody: JSON.stringify(base),
          headers: { 'idempotency-key': value },
        });
        if (answer.status === 201) accepted.push({ id: answer.body.id, metadata: {} });
      }),
      params,
    );
  }, 300_000);

  it('GET /outbound-calls: any query answers 200 or a 4xx naming the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        const answer = await sendHostile({ method: 'GET', path: `${CALLS}?${query}` });
        if (answer.status === 200) expect(Array.isArray(answer.body.data)).toBe(true);
        if (answer.status === 400)
          expect(typeof answer.body.error.param === 'string' || answer.body.error.code === 'invalid_cursor').toBe(true);
      }),
      { ...params, numRuns: 80 },
    );
  }, 300_000);

  it('call routes with any id: GET and cancel answer 404 or their documented 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(segment, fc.boolean(), async (id, cancel) => {
        const answer = await sendHostile(
          cancel ? { method: 'POST', path: `${CALLS}/${id}/cancel` } : { method: 'GET', path: `${CALLS}/${id}` },
        );
        // 405: an id of dot segments ("." or "..") is resolved away as URLs are, leaving a
        // route that answers other methods (`POST …/./cancel` is `POST …/cancel`).
        expect([200, 404, 400, 405, 409, 414]).toContain(answer.status);
      }),
      params,
    );
  }, 300_000);

  it('webhook routes: any body, id, event id and cursor answers 2xx or a 4xx that changed nothing', async () => {
    const route: fc.Arbitrary<Sent> = fc.oneof(
      webhookBody.map((body) => ({ method: 'POST', path: HOOKS, rawBody: body })),
      fc.tuple(segment, webhookBody).map(([id, body]) => ({ method: 'PATCH', path: `${HOOKS}/${id}`, rawBody: body })),
      webhookBody.map((body) => ({ method: 'PATCH', path: `${HOOKS}/ENDPOINT`, rawBody: body })),
      segment.map((id) => ({ method: 'GET', path: `${HOOKS}/${id}` })),
      segment.map((id) => ({ method: 'DELETE', path: `${HOOKS}/${id}` })),
      segment.map((id) => ({ method: 'POST', path: `${HOOKS}/${id}/rotate-secret` })),
      segment.map((cursor) => ({ method: 'GET', path: `${HOOKS}/ENDPOINT/deliveries?cursor=${cursor}` })),
      queryString.map((query) => ({ method: 'GET', path: `${HOOKS}/ENDPOINT/deliveries?${query}` })),
      segment.map((eventId) => ({ method: 'POST', path: `${HOOKS}/ENDPOINT/events/${eventId}/redeliver` })),
    );
    await fc.assert(
      fc.asyncProperty(route, async (request) => {
        const path = request.path.replace('ENDPOINT', endpointId);
        const rawBody = request.rawBody?.replaceAll('RECEIVER', receiver.url);
        const answer = await sendHostile({
          method: request.method,
          path,
          ...(rawBody === undefined ? {} : { rawBody }),
        });
        // Keep the receiver's endpoint in place and enabled for the delivery check below.
        if (answer.status < 300 && path.startsWith(`${HOOKS}/${endpointId}`) && request.method !== 'GET') {
          snapshot = undefined;
          const restored = await api.request('PATCH', `${HOOKS}/${endpointId}`, {
            body: { url: receiver.url, events: ['OutboundCallStatusChanged'], enabled: true },
          });
          expect(restored.status).toBe(200);
        }
        if (answer.status === 204) {
          snapshot = undefined;
          const again = await api.request('POST', HOOKS, {
            body: { url: receiver.url, events: ['OutboundCallStatusChanged'] },
          });
          endpointId = again.body.id;
        }
      }),
      { ...params, numRuns: 80 },
    );
  }, 300_000);

  it('telephony webhooks: any signed or unsigned callback answers 2xx or 4xx, and a 4xx changed nothing', async () => {
    const scheduled = await api.request('POST', CALLS, { body: base });
    expect(scheduled.status).toBe(201);
    accepted.push({ id: scheduled.body.id, metadata: {} });
    snapshot = undefined;
    const accountSid = process.env.SIMULATOR_ACCOUNT_SID as string;
    const authToken = process.env.SIMULATOR_AUTH_TOKEN as string;
    const twilioValue = fc.oneof(
      text,
      fc.constantFrom(
        'completed',
        'in-progress',
        'ringing',
        'busy',
        'no-answer',
        'failed',
        'canceled',
        'queued',
        'initiated',
      ),
      fc.constantFrom('human', 'machine_end_beep', 'fax', 'unknown', 'machine_start', ''),
      fc.constantFrom('Fri, 01 Jan 2100 00:00:00 +0000', 'abc', '-5', '1e309', '60', '2025-06-17T09:00:00Z'),
    );
    const form = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'CallSid',
          'CallStatus',
          'AnsweredBy',
          'CallDuration',
          'Timestamp',
          'SequenceNumber',
          'AccountSid',
          '__proto__',
        ),
        text,
      ),
      fc.oneof(twilioValue, fc.array(twilioValue, { maxLength: 3 })),
      { maxKeys: 6 },
    );
    const callback = fc.record({
      hook: fc.oneof(fc.constantFrom('status', 'answer', 'stream-ended'), segment),
      callId: fc.oneof(fc.constant(scheduled.body.id as string), segment),
      attempt: fc.oneof(fc.constantFrom('1', '2', '0', '-1', 'x', '1e309'), segment),
      params: form,
      signed: fc.boolean(),
      rightAccount: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(callback, async ({ hook, callId, attempt, params, signed, rightAccount }) => {
        const path = `/telephony/twilio/${hook}?callId=${callId}&attempt=${attempt}`;
        const body = { ...params, ...(rightAccount ? { AccountSid: accountSid } : {}) };
        const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
        if (signed) headers[SIGNATURE_HEADER] = twilioSignature(authToken, `${api.stack.url}${path}`, body);
        const before = snapshot ?? (await primaryItems());
        const answer = await send({ method: 'POST', path, rawBody: encodeForm(body), headers });
        expect(
          answer.status,
          `${path.slice(0, 120)} answered ${answer.status}: ${answer.text.slice(0, 200)}`,
        ).toBeLessThan(500);
        if (answer.status >= 400) {
          snapshot = await primaryItems();
          expect(snapshot).toBe(before);
        } else {
          snapshot = undefined;
        }
      }),
      { ...params, numRuns: 80 },
    );
    expect((await api.request('GET', `${CALLS}/${scheduled.body.id}`)).body.status).toBe('scheduled');
  }, 300_000);

  it('the carrier simulator, the OpenAPI document and unknown routes: any request answers without a 5xx', async () => {
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path: fc.oneof(
        fc
          .tuple(fc.array(segment, { maxLength: 4 }))
          .map(([parts]) => `/simulator/2010-04-01/Accounts/${parts.join('/')}`),
        fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/simulator/${parts.join('/')}`),
        fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`),
        fc.constantFrom(
          '/api/v1/openapi.json',
          '/api/v1/openapi.json?x=1',
          '/',
          '//',
          '/simulator/..//',
          '/api/v1',
          '/telephony/twilio/',
        ),
      ),
      body: fc.option(fc.string({ unit: 'binary', maxLength: 200 }), { nil: undefined }),
      authorization: fc.option(
        fc.oneof(
          text.filter((s) => /^[\x20-\x7e]*$/.test(s)),
          fc.constantFrom(`Basic ${Buffer.from('AC:x').toString('base64')}`),
        ),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body, authorization }) => {
        const response = await fetch(`${api.stack.url}${path}`, {
          method,
          headers: authorization === undefined ? {} : { authorization },
          ...(body === undefined || method === 'GET' ? {} : { body }),
        });
        const text = await response.text();
        expect(
          response.status,
          `${method} ${path.slice(0, 120)} answered ${response.status}: ${text.slice(0, 200)}`,
        ).toBeLessThan(500);
      }),
      { ...params, numRuns: 80 },
    );
  }, 300_000);

  it('answers a body over the bound with 413 and a URL over the bound with 414, in the service error shape', async () => {
    const big = await sendHostile({
      method: 'POST',
      path: CALLS,
      rawBody: JSON.stringify({ ...base, metadata: { blob: 'x'.repeat(70_000) } }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ type: 'request_too_large', code: 'request_too_large' });
    const huge = await sendHostile({ method: 'POST', path: CALLS, rawBody: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    const long = await sendHostile({ method: 'GET', path: `${CALLS}?agentId=${'a'.repeat(20_000)}` });
    expect(long.status).toBe(414);
    expect(long.body.error).toMatchObject({ type: 'uri_too_long', code: 'uri_too_long' });
    const deep = await sendHostile({
      method: 'POST',
      path: CALLS,
      rawBody: `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
    });
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('invalid_json');
  });

  it('rejects __proto__ anywhere: in the body, in metadata, as a query parameter', async () => {
    const inBody = await sendHostile({
      method: 'POST',
      path: CALLS,
      rawBody: `{"agentId":"${AGENT}","toNumber":"+14155550199","__proto__":{"scheduledFor":"${LATER}"}}`,
    });
    expect(inBody.status).toBe(400);
    const inMetadata = await sendHostile({
      method: 'POST',
      path: CALLS,
      rawBody: JSON.stringify(base).replace('}', ',"metadata":{"a":{"__proto__":{"x":1}}}}'),
    });
    expect(inMetadata.status).toBe(400);
    const constructorKey = await sendHostile({
      method: 'POST',
      path: CALLS,
      rawBody: JSON.stringify({ ...base, metadata: { a: { constructor: 'x' } } }),
    });
    expect(constructorKey.status).toBe(400);
    expect(constructorKey.body.error).toMatchObject({ code: 'invalid_metadata', param: 'metadata' });
    const inQuery = await sendHostile({ method: 'GET', path: `${CALLS}?__proto__=x` });
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.error).toMatchObject({ code: 'unknown_parameter', param: '__proto__' });
  });

  it('stores, events and delivers everything it accepted, exactly as accepted', async () => {
    expect(accepted.length).toBeGreaterThan(0);
    for (const call of accepted) {
      const stored = await api.request('GET', `${CALLS}/${call.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.metadata).toEqual(call.metadata);
    }
    const delivered = await eventually(
      async () => new Set(receiver.delivered().map((d) => d.event.data.call.id as string)),
      (ids) => accepted.every((call) => ids.has(call.id)),
      60_000,
      'an OutboundCallStatusChanged delivery for every accepted call',
    );
    for (const call of accepted) expect(delivered.has(call.id)).toBe(true);
    for (const delivery of receiver.delivered()) {
      const call = accepted.find((c) => c.id === delivery.event.data.call.id);
      if (call) expect(delivery.event.data.call.metadata).toEqual(call.metadata);
    }
  }, 300_000);
  it("one tenant's call at every bound cannot delay another tenant's events: both calls end and both are delivered", async () => {
    // Metadata at each bound at once: as deep, as many keys, as large as allowed, with the extreme numbers.
    let deepest: Record<string, unknown> = {
      last: 'bottom',
      tiny: 1e-100,
      big: Number.MAX_SAFE_INTEGER,
      negative: -Number.MAX_SAFE_INTEGER,
    };
    for (let level = 2; level < METADATA_LIMITS.depth; level++) deepest = { [`level${level}`]: deepest };
    const metadata: Record<string, unknown> = { deep: deepest, text: 'Grüße 😀 \t\n "quoted" <tag> & ]]>' };
    while (Object.keys(metadata).length < METADATA_LIMITS.keys - METADATA_LIMITS.depth - 4)
      metadata[`k${Object.keys(metadata).length}`] = 'v';
    const filler = METADATA_LIMITS.bytes - Buffer.byteLength(JSON.stringify({ ...metadata, pad: '' }));
    metadata.pad = 'p'.repeat(filler);
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(METADATA_LIMITS.bytes);
    const hostile = await api.request('POST', CALLS, {
      body: { agentId: AGENT, toNumber: '+15005550101', metadata, overrideFirstMessage: 'é'.repeat(4000) },
    });
    expect(hostile.status, JSON.stringify(hostile.body).slice(0, 300)).toBe(201);

    const other = await api.createOtherAccount();
    const otherReceiver = await startWebhookReceiver();
    try {
      const hook = await api.request('POST', HOOKS, {
        key: other.key,
        body: { url: otherReceiver.url, events: ['SessionEnded'] },
      });
      expect(hook.status).toBe(201);
      const normal = await api.request('POST', CALLS, {
        key: other.key,
        body: { agentId: other.agentId, toNumber: '+15005550101' },
      });
      expect(normal.status).toBe(201);
      await eventually(
        async () =>
          otherReceiver
            .delivered()
            .filter((d) => d.event.type === 'SessionEnded' && d.event.data.call.id === normal.body.id),
        (found) => found.length > 0,
        60_000,
        "the other tenant's SessionEnded",
      );
      const ended = await eventually(
        async () =>
          receiver
            .delivered()
            .filter((d) => d.event.data.call.id === hostile.body.id && d.event.data.call.status === 'completed'),
        (found) => found.length > 0,
        60_000,
        "the hostile tenant's own completed event",
      );
      expect(ended[0]?.event.data.call.metadata).toEqual(metadata);
      expect(otherReceiver.delivered().every((d) => d.event.data.call.id !== hostile.body.id)).toBe(true);
    } finally {
      await otherReceiver.stop();
    }
  }, 300_000);
});
