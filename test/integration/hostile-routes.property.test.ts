import fc from 'fast-check';
import stringify from 'safe-stable-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { API_ROUTES, type ApiRoute } from '#handlers/routes';
import { CALLS, eventually, startTestApi, type TestApi } from '../support/local-api.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';
import { ahead } from '../support/dates-ahead.ts';
import { PRIMARY_PREFIXES, tableFingerprint } from '../support/table-fingerprint.ts';

const CAMPAIGNS = '/api/v1/campaigns';
const SUPPRESSIONS = '/api/v1/suppressions';
const HOOKS = '/api/v1/webhooks';
const AGENT = 'agt_01HXK8Z3MNPQRS';
/** Everything accepted here is due years ahead, so nothing it starts moves while the properties run. */
const LATER = ahead('2030-06-17T09:00:00Z');

/** `contentType` null: no Content-Type header; absent: `application/json`. */
type Sent = { method: string; path: string; rawBody?: string; contentType?: string | null };
/** A request to a route: `stray` when it reaches a route that reads no query with a query parameter. */
type Routed = Sent & { route: string; stray: boolean };

/**
 * Every authorized route of functions/handlers/routes.ts (read from the route table, so a route
 * added later is covered without touching this file), tried as an attacker would: hostile path
 * parameters, query strings and JSON bodies (wild numbers, prototype keys, control characters,
 * deep nesting, broken escapes). The answer is a 2xx or a 4xx in the service's error shape, never
 * a 5xx; a 4xx changed nothing in the table; every campaign and suppression accepted is stored as
 * accepted, and every campaign call becomes an event delivered to the account's endpoint.
 * (test/integration/hostile-input.property.test.ts goes deeper into the call and webhook routes.)
 */
describe('hostile input on every route of the route table', () => {
  let api: TestApi;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  /** Real ids of each kind, so that hostile bodies and queries reach past the lookup. */
  const real: Record<string, string> = {};
  const exercised = new Set<string>();
  const acceptedCampaigns: Array<{ id: string; metadata: unknown[] }> = [];
  const acceptedSuppressions: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    receiver = await startWebhookReceiver();
    const hook = await api.request('POST', HOOKS, {
      body: { url: receiver.url, events: ['OutboundCallStatusChanged'] },
    });
    expect(hook.status).toBe(201);
    real.webhookId = hook.body.id;
    const call = await api.request('POST', CALLS, {
      body: { agentId: AGENT, toNumber: '+14155550199', scheduledFor: LATER },
    });
    expect(call.status).toBe(201);
    real.callId = call.body.id;
    const campaign = await api.request('POST', CAMPAIGNS, {
      body: { name: 'Fixture', agentId: AGENT, startAt: LATER, contacts: [{ toNumber: '+14155550399' }] },
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    real.campaignId = campaign.body.id;
    const suppression = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: '+14155550299' } });
    expect(suppression.status).toBe(201);
    real.phoneNumber = encodeURIComponent('+14155550299');
    real.eventId = 'evt_01HXMN8ZABC1230000000000XY';
  }, 120_000);
  afterAll(async () => {
    await receiver.stop();
    await api.stack.stop();
  });

  /**
   * What a request may change, and what nothing else changes while the properties run: every item
   * but those the background writes (events, deliveries, page starts, campaign counts).
   */
  function requestItems(): Promise<string> {
    return tableFingerprint(createDocumentClient(), api.stack.tableName, PRIMARY_PREFIXES, [
      'status',
      'version',
      'revision',
      'enabled',
      'reason',
      'scheduledFor',
    ]);
  }

  async function send(request: Sent): Promise<{ status: number; body: any; text: string }> {
    const response = await fetch(`${api.stack.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${api.stack.apiKey}`,
        ...(request.contentType === null ? {} : { 'content-type': request.contentType ?? 'application/json' }),
      },
      // fetch declares a string body text/plain; bytes go without a Content-Type, as `null` means.
      ...(request.rawBody === undefined
        ? {}
        : { body: request.contentType === null ? new TextEncoder().encode(request.rawBody) : request.rawBody }),
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

  // ---- Arbitraries -------------------------------------------------------------------------

  const wildNumber = fc.constantFrom(
    '1e309',
    '-1e400',
    '9007199254740993',
    '-9007199254740993',
    '1e-200',
    '123456789012345678901234567890',
    '-0',
    '0.5',
    '1',
    '600',
  );
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('Hello\u0001 there', 'a\u000Bb', '\u0000', '\uD800', '\uFFFF', '\u0085', ']]>', '"\'<>&', 'ok'),
  );
  const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'x'.repeat(200)));
  /** JSON text, so that numbers and keys JavaScript would normalise reach the service as written. */
  const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant('null'),
      fc.boolean().map(String),
      wildNumber,
      text.map((s) => JSON.stringify(s)),
      fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 3 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  })).value;
  const nested = (depth: number, inner: string) => `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
  const goodMetadata = fc.constantFrom(
    '{"ok":1}',
    '{"a":{"b":[1,2.5,null,true,"Grüße 😀 <&>"]}}',
    nested(9, '"deepest allowed"'),
    '{"n":9007199254740991,"m":-1e-100}',
  );
  const metadataText = fc.oneof(
    jsonText,
    fc.integer({ min: 1, max: 40 }).map((depth) => nested(depth, '"deep"')),
    fc.integer({ min: 1, max: 12 }).chain((depth) => key.map((k) => nested(depth, `{${JSON.stringify(k)}:1}`))),
    fc.integer({ min: 8000, max: 8300 }).map((n) => JSON.stringify({ blob: 'x'.repeat(n) })),
  );
  /** A value for a known field: mostly one the service accepts, sometimes hostile or anything. */
  const valueOr = (good: fc.Arbitrary<string>, hostile: fc.Arbitrary<string> = jsonText) =>
    fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: jsonText });
  const hostileText = text.map((s) => JSON.stringify(s));
  const goodText = fc.constantFrom('"Spring"', '"Grüße 😀 <&> ]]>"', '"tab\\there\\nand a new line"');
  /** A JSON object of `fields` (those in `required` always there, the others maybe), now and then with an unknown key. */
  const object = (fields: Record<string, fc.Arbitrary<string>>, required: string[] = []) =>
    fc
      .record(fields, { requiredKeys: required })
      .chain((present) =>
        fc
          .oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(key, jsonText) })
          .map(
            (extra) =>
              `{${[
                ...Object.entries(present).map(([k, v]) => `${JSON.stringify(k)}:${v}`),
                ...(extra ? [`${JSON.stringify(extra[0])}:${extra[1]}`] : []),
              ].join(',')}}`,
          ),
      );
  const quoted = (values: string[]) => fc.constantFrom(...values.map((v) => JSON.stringify(v)));
  const contactNumber = fc.integer({ min: 300, max: 399 }).map((n) => JSON.stringify(`+14155550${n}`));
  const contact = object(
    {
      toNumber: valueOr(contactNumber, hostileText),
      metadata: valueOr(goodMetadata, metadataText),
      overrideFirstMessage: valueOr(goodText, hostileText),
      timeZone: valueOr(quoted(['America/New_York', 'Europe/Berlin']), quoted(['Mars/Base', '', 'x'.repeat(65)])),
    },
    ['toNumber'],
  );
  const callingWindow = object(
    {
      days: valueOr(
        quoted(['mon', 'tue', 'sat']).map((d) => `[${d}]`),
        quoted(['funday']),
      ),
      start: valueOr(quoted(['09:00']), quoted(['24:00', '9:00'])),
      end: valueOr(quoted(['17:00']), quoted(['08:00'])),
      timeZone: valueOr(quoted(['callee', 'America/Chicago']), quoted(['Nowhere/Land'])),
      blackoutDates: valueOr(quoted([ahead('2030-01-01')]).map((d) => `[{"from":${d},"to":${d}}]`)),
    },
    ['days', 'start', 'end', 'timeZone'],
  );
  const retryPolicy = object({
    no_answer: valueOr(
      fc.constant('{"maxRetries":1,"delayMinutes":10}'),
      fc.tuple(wildNumber, wildNumber).map(([m, d]) => `{"maxRetries":${m},"delayMinutes":${d}}`),
    ),
    busy: valueOr(fc.constant('{"maxRetries":0,"delayMinutes":5}')),
  });
  const contacts = fc.oneof(
    { weight: 8, arbitrary: fc.array(contact, { minLength: 1, maxLength: 3 }).map((c) => `[${c.join(',')}]`) },
    jsonText,
  );
  const campaignBody = object(
    {
      name: valueOr(goodText, hostileText),
      agentId: valueOr(quoted([AGENT]), quoted(['agt_nope', 'x'.repeat(2000)])),
      contacts,
      startAt: valueOr(
        quoted([LATER, ahead('2031-01-01T10:00:00+02:00')]),
        quoted(['2030-06-17T09:00:00', '2020-01-01T00:00:00Z', '9999-12-31T23:59:59Z']),
      ),
      pacing: valueOr(
        fc.constantFrom('{"callsPerMinute":1}', '{"callsPerMinute":0.5,"maxConcurrentCalls":1}'),
        fc.tuple(wildNumber, wildNumber).map(([p, c]) => `{"callsPerMinute":${p},"maxConcurrentCalls":${c}}`),
      ),
      callingWindow: valueOr(callingWindow),
      retryPolicy: valueOr(retryPolicy),
    },
    ['name', 'agentId', 'contacts', 'startAt'],
  );
  /** Campaigns the service must accept: every value valid, many at their edges. */
  const validCampaign = fc
    .record({
      name: goodText,
      contacts: fc
        .uniqueArray(fc.integer({ min: 300, max: 399 }), { minLength: 1, maxLength: 3 })
        .chain((ns) =>
          fc.tuple(
            ...ns.map((n) =>
              fc
                .tuple(fc.option(goodMetadata, { nil: undefined }), fc.option(goodText, { nil: undefined }))
                .map(
                  ([metadata, message]) =>
                    `{"toNumber":"+14155550${n}"${metadata ? `,"metadata":${metadata}` : ''}${message ? `,"overrideFirstMessage":${message}` : ''}}`,
                ),
            ),
          ),
        ),
      pacing: fc.constantFrom('', ',"pacing":{"callsPerMinute":0.001}', ',"pacing":{"callsPerMinute":600}'),
    })
    .map(
      ({ name, contacts, pacing }) =>
        `{"name":${name},"agentId":"${AGENT}","startAt":"${LATER}","contacts":[${contacts.join(',')}]${pacing}}`,
    );
  const suppressionNumber = fc.integer({ min: 200, max: 298 }).map((n) => JSON.stringify(`+14155550${n}`));
  const suppressionBody = object(
    { phoneNumber: valueOr(suppressionNumber, hostileText), reason: valueOr(goodText, hostileText) },
    ['phoneNumber'],
  );
  const updateBody = object({
    scheduledFor: valueOr(quoted([ahead('2031-01-01T00:00:00Z')]), quoted(['2020-01-01T00:00:00Z', '2031-01-01'])),
    metadata: valueOr(goodMetadata, metadataText),
    overrideFirstMessage: valueOr(goodText, hostileText),
    maxRetries: valueOr(fc.constantFrom('0', '1', '3'), wildNumber),
    retryDelayMinutes: valueOr(fc.constantFrom('1', '1440'), wildNumber),
  });
  /** Bodies for the routes whose body the service reads; anything else gets generic hostile JSON. */
  const bodies: Record<string, fc.Arbitrary<string>> = {
    [`POST ${CAMPAIGNS}`]: fc.oneof(campaignBody, validCampaign),
    [`POST ${CAMPAIGNS}/{campaignId}/contacts`]: object({ contacts }),
    [`POST ${SUPPRESSIONS}`]: suppressionBody,
    [`PATCH ${CALLS}/{callId}`]: updateBody,
  };
  const anyBody = fc.oneof(jsonText, fc.string({ unit: 'binary', maxLength: 100 }), fc.constant(''));
  /** The routes that read a JSON body (every caller of jsonBody in functions/handlers). */
  const BODY_ROUTES = new Set([
    `POST ${CALLS}`,
    `PATCH ${CALLS}/{callId}`,
    `POST ${CAMPAIGNS}`,
    `POST ${CAMPAIGNS}/{campaignId}/contacts`,
    `POST ${SUPPRESSIONS}`,
    `POST ${HOOKS}`,
    `PATCH ${HOOKS}/{webhookId}`,
  ]);
  /** Content-Type values that declare JSON, as clients spell them (null: no header). */
  const jsonContentType = fc.constantFrom<string | null>(
    null,
    'APPLICATION/JSON',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
    'application/json;',
    'application/merge-patch+json',
  );
  /** Content-Type values that do not: forms, text, other charsets, and what is not a media type at all. */
  const foreignContentType = fc.oneof(
    fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-16',
      'application/jsonx',
      'json',
      'application/json, text/plain',
      '*/*',
    ),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }).filter((value) => {
      const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
      return value.trim() !== '' && type !== 'application/json' && !/^application\/\S*\+json$/.test(type);
    }),
  );

  const segment = fc.oneof(
    text.filter((s) => !/\p{Cs}/u.test(s)).map(encodeURIComponent),
    fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '%2F', 'x'.repeat(1000), `cmp_${'Z'.repeat(26)}`, '%2B1415'),
  );
  const queryString = fc.oneof(
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom('pageSize', 'page', 'cursor', 'campaignId', '__proto__', 'constructor', 'status'),
            text,
          ),
          fc.oneof(text, fc.constantFrom('0', '-1', '1e309', '100', '101', '2', 'x'.repeat(1000))),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => {
        const search = new URLSearchParams();
        for (const [name, value] of pairs) search.append(name, value);
        return search.toString();
      }),
    fc.constantFrom('%zz=1', 'pageSize=%E0%A4%A', 'page=1&page=2', '__proto__=x'),
  );

  const authorized = API_ROUTES.filter((route) => route.authorized);
  const routeKey = (route: ApiRoute) => `${route.method} ${route.path}`;
  /** A request to `route`: each path parameter a real id (most often) or a hostile segment; any query; a body. */
  const requestTo = (route: ApiRoute): fc.Arbitrary<Routed> => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    return fc
      .record({
        params: fc.tuple(
          ...names.map((name) =>
            fc.oneof({ weight: 3, arbitrary: fc.constant(`REAL:${name}`) }, { weight: 1, arbitrary: segment }),
          ),
        ),
        query: fc.oneof(
          { weight: route.query ? 1 : 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: queryString },
        ),
        body:
          route.method === 'GET' || route.method === 'DELETE'
            ? fc.constant(undefined)
            : (bodies[routeKey(route)] ?? anyBody),
        contentType: fc.oneof(
          { weight: 8, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: jsonContentType },
          { weight: 1, arbitrary: foreignContentType },
        ),
      })
      .map(({ params, query, body, contentType }) => {
        let path = route.path;
        names.forEach((name, i) => {
          path = path.replace(`{${name}}`, params[i] as string);
        });
        const realPath = params.every((param) => String(param).startsWith('REAL:'));
        const hasParameter = query !== undefined && [...new URLSearchParams(query).keys()].length > 0;
        return {
          route: routeKey(route),
          stray: !route.query && realPath && hasParameter,
          method: route.method,
          path: query === undefined ? path : `${path}?${query}`,
          ...(body === undefined ? {} : { rawBody: body }),
          ...(contentType === undefined ? {} : { contentType }),
        };
      });
  };

  /** Whether a Content-Type declares JSON as the service reads it (the header's type, before any parameter). */
  const isJsonType = (value: string) => {
    const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(value)?.[1];
    return (
      (type === 'application/json' || /^application\/\S*\+json$/.test(type)) &&
      (charset === undefined || /^utf-?8$/i.test(charset))
    );
  };

  // ---- Properties --------------------------------------------------------------------------

  it('refuses a query parameter on a route that reads none (before: PATCH ?__proto__=x answered 200 and wrote the call)', async () => {
    const before = await requestItems();
    const answer = await send({
      method: 'PATCH',
      path: `${CALLS}/${real.callId}?__proto__=x`,
      rawBody: '{"metadata":{"patched":true}}',
    });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'unknown_parameter', param: '__proto__' });
    expect(await requestItems()).toBe(before);
  });

  it('refuses a body declared as anything but JSON on every route that reads one (415, param Content-Type), changing nothing; the same body declared as JSON is taken', async () => {
    const hookBody = JSON.stringify({ url: receiver.url, events: ['OutboundCallStatusChanged'] });
    const valid: Record<string, Sent> = {
      [`POST ${CALLS}`]: {
        method: 'POST',
        path: CALLS,
        rawBody: JSON.stringify({ agentId: AGENT, toNumber: '+14155550198', scheduledFor: LATER }),
      },
      [`PATCH ${CALLS}/{callId}`]: {
        method: 'PATCH',
        path: `${CALLS}/${real.callId}`,
        rawBody: '{"metadata":{"contentType":"checked"}}',
      },
      [`POST ${CAMPAIGNS}`]: {
        method: 'POST',
        path: CAMPAIGNS,
        rawBody: JSON.stringify({
          name: 'Declared',
          agentId: AGENT,
          startAt: LATER,
          contacts: [{ toNumber: '+14155550397' }],
        }),
      },
      [`POST ${CAMPAIGNS}/{campaignId}/contacts`]: {
        method: 'POST',
        path: `${CAMPAIGNS}/${real.campaignId}/contacts`,
        rawBody: '{"contacts":[{"toNumber":"+14155550396"}]}',
      },
      [`POST ${SUPPRESSIONS}`]: { method: 'POST', path: SUPPRESSIONS, rawBody: '{"phoneNumber":"+14155550296"}' },
      [`POST ${HOOKS}`]: { method: 'POST', path: HOOKS, rawBody: hookBody },
      [`PATCH ${HOOKS}/{webhookId}`]: { method: 'PATCH', path: `${HOOKS}/${real.webhookId}`, rawBody: hookBody },
    };
    expect(Object.keys(valid).sort()).toEqual([...BODY_ROUTES].sort());
    const before = await requestItems();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(valid)), foreignContentType, async (route, contentType) => {
        const answer = await send({ ...(valid[route] as Sent), contentType });
        expect(answer.status, `${route} as ${JSON.stringify(contentType)}: ${answer.text}`).toBe(415);
        expect(answer.body.error).toMatchObject({
          type: 'unsupported_media_type',
          code: 'unsupported_media_type',
          param: 'Content-Type',
        });
        expect(await requestItems()).toBe(before);
      }),
      { numRuns: 40 },
    );
    // The same bodies, declared as JSON in the ways clients spell it, are taken.
    const spellings = ['application/json;charset=UTF-8', null, 'application/json;', 'application/merge-patch+json'];
    for (const [i, route] of Object.keys(valid).entries()) {
      const contentType = spellings[i % spellings.length];
      const answer = await send({ ...(valid[route] as Sent), contentType });
      expect(answer.status, `${route} as ${JSON.stringify(contentType)}: ${answer.text}`).toBeLessThan(300);
    }
  });

  it('every authorized route: any path, query and body answers 2xx or a 4xx in the error shape that changed nothing', async () => {
    // Route by route, so that each is tried and a failure names it; deletes and cancels last, so
    // the fixtures they end stay interesting for the other routes (and the endpoint receives the
    // events of every campaign accepted before it is replaced).
    const last = (route: ApiRoute) => Number(route.method === 'DELETE' || /\/cancel$/.test(route.path));
    const ordered = [...authorized].sort((a, b) => last(a) - last(b));
    let snapshot: string | undefined;
    for (const route of ordered) {
      await fc.assert(
        fc.asyncProperty(requestTo(route), async (request) => {
          exercised.add(request.route);
          const path = request.path.replace(/REAL:(\w+)/g, (_m, name: string) => real[name] ?? name);
          const before = snapshot ?? (await requestItems());
          const answer = await send({ ...request, path });
          const what = `${request.method} ${path.slice(0, 160)} ${request.rawBody?.slice(0, 300) ?? ''}`;
          expect(answer.status, `${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          // A query parameter the route does not read is refused, never silently dropped.
          if (request.stray) {
            expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBe(400);
            expect(answer.body.error.code).toBe('unknown_parameter');
          }
          // A body that is not declared as JSON is never taken as one.
          const foreign = request.contentType !== undefined && request.contentType !== null;
          if (foreign && BODY_ROUTES.has(request.route) && !isJsonType(request.contentType as string)) {
            expect(
              answer.status,
              `${what} sent as ${request.contentType}: ${answer.text.slice(0, 300)}`,
            ).toBeGreaterThanOrEqual(400);
          }
          if (answer.status >= 400) {
            expect(answer.body?.error, `${what}: ${answer.text.slice(0, 300)}`).toMatchObject({
              code: expect.any(String),
              message: expect.any(String),
            });
            snapshot = await requestItems();
            expect(
              snapshot,
              `${what} answered ${answer.status} (${answer.body?.error?.code}) but changed the table`,
            ).toBe(before);
            return;
          }
          snapshot = undefined;
          await keepFixtures(request, answer);
        }),
        { numRuns: route.method === 'POST' || route.method === 'PATCH' ? 30 : 12, endOnFailure: true },
      );
    }
    expect([...exercised].sort()).toEqual(authorized.map(routeKey).sort());
  }, 600_000);

  /** Notes what was accepted, and puts back the fixtures a 2xx removed or changed. */
  /** Waits until no call of the campaign is still waiting to be dialed (scheduled or queued). */
  async function campaignCallsSettled(campaignId: string): Promise<void> {
    await eventually(
      async () => {
        const waiting: string[] = [];
        let cursor: string | null = null;
        do {
          const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const page = await api.request('GET', `${CALLS}?campaignId=${campaignId}&pageSize=100${after}`);
          expect(page.status).toBe(200);
          for (const call of page.body.data) if (['scheduled', 'queued'].includes(call.status)) waiting.push(call.id);
          cursor = page.body.nextCursor;
        } while (cursor);
        return waiting;
      },
      (waiting) => waiting.length === 0,
      60_000,
      `every waiting call of cancelled campaign ${campaignId} to be cancelled`,
    );
  }

  async function keepFixtures(request: Routed, answer: { status: number; body: any }) {
    // A campaign's cancel ends its waiting calls in the background, a page at a time
    // (campaign-sweeps.ts); wait until it has, so that the next request's "changed nothing"
    // check compares the table with itself rather than with a sweep still under way.
    if (request.route === `POST ${CAMPAIGNS}/{campaignId}/cancel` && answer.status === 200)
      await campaignCallsSettled(answer.body.id);
    if (request.route === `POST ${CAMPAIGNS}` && answer.status === 201) {
      const sent = JSON.parse(request.rawBody as string);
      acceptedCampaigns.push({
        id: answer.body.id,
        metadata: sent.contacts.map((c: { metadata?: unknown }) => c.metadata ?? {}),
      });
    }
    if (request.route === `POST ${SUPPRESSIONS}` && answer.status === 201)
      acceptedSuppressions.push(answer.body.phoneNumber);
    if (request.route === `DELETE ${SUPPRESSIONS}/{phoneNumber}` && answer.status === 204) {
      const again = await api.request('POST', SUPPRESSIONS, { body: { phoneNumber: '+14155550299' } });
      expect(again.status).toBeLessThan(300);
    }
    if (request.route.startsWith(`DELETE ${HOOKS}`) && answer.status === 204) {
      const again = await api.request('POST', HOOKS, {
        body: { url: receiver.url, events: ['OutboundCallStatusChanged'] },
      });
      real.webhookId = again.body.id;
    } else if (request.route.startsWith(`PATCH ${HOOKS}`) || request.route.startsWith(`POST ${HOOKS}`)) {
      const restored = await api.request('PATCH', `${HOOKS}/${real.webhookId}`, {
        body: { url: receiver.url, events: ['OutboundCallStatusChanged'], enabled: true },
      });
      expect(restored.status).toBe(200);
    }
  }

  it('a campaign whose calling window never opens is refused whole: 400 and nothing stored', async () => {
    const before = await requestItems();
    const year = (from: string, to: string) => ({ from: ahead(from), to: ahead(to) });
    const answer = await send({
      method: 'POST',
      path: CAMPAIGNS,
      rawBody: JSON.stringify({
        name: 'Never',
        agentId: AGENT,
        startAt: LATER,
        contacts: [{ toNumber: '+14155550398' }],
        callingWindow: {
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          start: '09:00',
          end: '17:00',
          timeZone: 'America/New_York',
          blackoutDates: [
            year('2030-06-01', '2031-05-31'),
            year('2031-06-01', '2032-05-30'),
            year('2032-05-31', '2033-05-30'),
          ],
        },
      }),
    });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.param).toMatch(/^callingWindow/);
    expect(await requestItems()).toBe(before);
  });

  it('stores every campaign and suppression it accepted, exactly as accepted, and delivers every campaign call', async () => {
    const ids: string[] = [];
    expect(acceptedCampaigns.length).toBeGreaterThan(0);
    expect(acceptedSuppressions.length).toBeGreaterThan(0);
    for (const campaign of acceptedCampaigns) {
      const stored = await api.request('GET', `${CAMPAIGNS}/${campaign.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.counts.total).toBe(campaign.metadata.length);
      const calls = await api.request('GET', `${CALLS}?campaignId=${campaign.id}&pageSize=100`);
      expect(calls.status).toBe(200);
      // Key order is not kept (nor promised): compare each call's metadata as canonical JSON.
      const asJson = (values: unknown[]) => values.map((v) => stringify(v)).sort();
      const storedMetadata = asJson(calls.body.data.map((c: { metadata: unknown }) => c.metadata));
      expect(
        storedMetadata,
        `campaign ${campaign.id}: ${JSON.stringify(storedMetadata)} vs ${JSON.stringify(asJson(campaign.metadata))}`,
      ).toEqual(asJson(campaign.metadata));
      ids.push(...calls.body.data.map((c: { id: string }) => c.id));
    }
    const listed = await api.request('GET', `${SUPPRESSIONS}?pageSize=100`);
    const numbers = new Set(listed.body.data.map((s: { phoneNumber: string }) => s.phoneNumber));
    for (const number of acceptedSuppressions) expect(numbers.has(number)).toBe(true);
    await eventually(
      async () => new Set(receiver.delivered().map((d) => d.event.data.call.id as string)),
      (delivered) => ids.every((id) => delivered.has(id)),
      60_000,
      'an OutboundCallStatusChanged delivery for every campaign call',
    );
  }, 300_000);
});
