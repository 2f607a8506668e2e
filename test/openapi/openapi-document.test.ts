import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ListCallsQuerySchema } from '#schemas/list-calls-query';
import { renderArtifacts } from '../../tools/openapi/artifacts.ts';
import { COMPONENT_SCHEMAS } from '../../tools/openapi/document.ts';
import { API_ROUTES } from '../../functions/handlers/routes.ts';
import { CALLS, callReaches, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

type Json = Record<string, any>;

const REPO_ROOT = new URL('../../', import.meta.url);
const committed = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');
const document = JSON.parse(committed('docs/openapi.json')) as Json;

/** The zod schema behind each component a request or response refers to. */
const ZOD_SCHEMAS: Record<string, z.ZodMiniType> = { ...COMPONENT_SCHEMAS.requests, ...COMPONENT_SCHEMAS.responses };

/** True when the schema accepts the value and keeps all of it: no field the schema does not describe. */
function conforms(schemaRef: Json, value: unknown): boolean {
  const refs: string[] = schemaRef.anyOf ? schemaRef.anyOf.map((option: Json) => option.$ref) : [schemaRef.$ref];
  return refs.some((ref) => {
    const schema = ZOD_SCHEMAS[ref.replace('#/components/schemas/', '')];
    if (!schema) throw new Error(`no zod schema for ${ref}`);
    const parsed = schema.safeParse(value);
    return parsed.success && isDeepStrictEqual(parsed.data, value);
  });
}

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
  );
const resolve = (response: Json): Json =>
  response.$ref ? document.components.responses[response.$ref.split('/').pop()] : response;

describe('the OpenAPI document (docs/openapi.json)', () => {
  it('is what `npm run openapi` generates from the zod schemas now, and so are the SDK types', async () => {
    for (const artifact of await renderArtifacts()) {
      expect(committed(artifact.path), `${artifact.path} is out of date: run npm run openapi`).toBe(artifact.content);
    }
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every public route, with the API key required exactly where the authorizer is', () => {
    const documented = operations()
      .map(({ route }) => route)
      .sort();
    expect(documented.length).toBeGreaterThanOrEqual(5);
    const publicRoutes = API_ROUTES.filter(
      (route) => !route.path.startsWith('/telephony/') && !route.path.startsWith('/simulator/'),
    );
    expect(documented).toEqual(publicRoutes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of publicRoutes) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect(operation.security, `${route.method} ${route.path}`).toEqual(route.authorized ? undefined : []);
    }
    expect(document.security).toEqual([{ apiKey: [] }]);
  });

  it('documents query parameters exactly on the routes that read a query (any other route refuses them)', () => {
    for (const route of API_ROUTES.filter((r) => r.authorized)) {
      const parameters: Json[] = document.paths[route.path][route.method.toLowerCase()].parameters ?? [];
      const inQuery = parameters.map((p) => (p.$ref ? document.components.parameters[p.$ref.split('/').pop()] : p));
      expect(
        inQuery.some((p) => p.in === 'query'),
        `${route.method} ${route.path}`,
      ).toBe(route.query === true);
    }
  });

  it('documents on every authorized route the answers any request may get, and 413 and 415 wherever a body is read', () => {
    // Every authorized route refuses a query parameter it does not read (400), a URL over 8 KiB (414),
    // a bad key (401); a route with a request body refuses one too large (413) or not JSON (415).
    for (const route of API_ROUTES.filter((r) => r.authorized)) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      const statuses = Object.keys(operation.responses);
      const expected = ['400', '401', '414', '429', '500', ...(operation.requestBody ? ['413', '415'] : [])];
      expect(statuses, `${route.method} ${route.path}`).toEqual(expect.arrayContaining(expected));
    }
  });

  it("carries the reference's examples, each valid against the schema it illustrates", () => {
    const create = document.paths['/api/v1/outbound-calls'].post;
    const requests = create.requestBody.content['application/json'];
    expect(requests.examples.immediate.value.overrideFirstMessage).toBe(
      'Hi Jane, this is Aria calling from Acme to confirm your appointment on June 20th at 10 AM.',
    );
    expect(requests.examples.scheduled.value).toMatchObject({
      scheduledFor: '2025-06-17T09:00:00Z',
      maxRetries: 2,
      retryDelayMinutes: 30,
    });
    expect(
      document.paths['/api/v1/outbound-calls/{callId}'].get.responses[200].content['application/json'].examples
        .completed.value,
    ).toMatchObject({
      id: 'obc_01HXMN8ZABC123',
      durationSeconds: 214,
      metadata: { campaignId: 'camp_summer_2025', customerId: 'cust_12345', customerName: 'Jane Smith' },
    });

    let checked = 0;
    for (const { route, operation } of operations()) {
      const bodies = [
        operation.requestBody,
        ...(Object.values(operation.responses ?? {}) as Json[]).map(resolve),
      ].filter(Boolean);
      for (const body of bodies) {
        const media = body.content?.['application/json'];
        for (const [name, example] of Object.entries((media?.examples ?? {}) as Record<string, Json>)) {
          expect(conforms(media.schema, example.value), `${route}: example ${name}`).toBe(true);
          checked += 1;
        }
      }
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        if (parameter.in === 'query' && parameter.example !== undefined) {
          expect(ListCallsQuerySchema.safeParse({ [parameter.name]: parameter.example }).success, parameter.name).toBe(
            true,
          );
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('documents every property of every schema', () => {
    const undocumented: string[] = [];
    const visit = (schema: Json, path: string) => {
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
        if (!property.description) undocumented.push(`${path}.${name}`);
        visit(property, `${path}.${name}`);
      }
    };
    for (const [name, schema] of Object.entries(document.components.schemas as Record<string, Json>))
      visit(schema, name);
    expect(undocumented).toEqual([]);
  });
});

describe('the running service', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('serves the committed document at GET /api/v1/openapi.json, without an API key', async () => {
    const response = await fetch(`${api.stack.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(document);
  });

  it('answers exactly as documented: every response body matches its documented schema', async () => {
    const seen: string[] = [];
    const check = (route: string, response: { status: number; body: unknown }) => {
      const operation = operations().find((candidate) => candidate.route === route)?.operation as Json;
      const documented = resolve(operation.responses[response.status]);
      expect(documented, `${route} → ${response.status} is documented`).toBeDefined();
      expect(
        conforms(documented.content['application/json'].schema, response.body),
        `${route} → ${response.status}: ${JSON.stringify(response.body)}`,
      ).toBe(true);
      seen.push(`${route} ${response.status}`);
    };
    const immediate = await api.request('POST', CALLS, {
      body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199' },
    });
    check('POST /api/v1/outbound-calls', immediate);
    const scheduled = await api.request('POST', CALLS, {
      body: {
        agentId: 'agt_01HXK8Z3MNPQRS',
        toNumber: '+14155550199',
        scheduledFor: minutesFromNow(60),
        maxRetries: 2,
      },
      headers: { 'idempotency-key': 'openapi-test' },
    });
    check('POST /api/v1/outbound-calls', scheduled);
    check(
      'POST /api/v1/outbound-calls',
      await api.request('POST', CALLS, { body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '415 555 0199' } }),
    );
    check(
      'POST /api/v1/outbound-calls',
      await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550100' },
        headers: { 'idempotency-key': 'openapi-test' },
      }),
    );
    check(
      'POST /api/v1/outbound-calls',
      await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199' },
        key: 'vsnp_test_00000000000000000000000000000000',
      }),
    );

    await callReaches(api, immediate.body.id, ['completed']);
    check('GET /api/v1/outbound-calls/{callId}', await api.request('GET', `${CALLS}/${immediate.body.id}`));
    check('GET /api/v1/outbound-calls/{callId}', await api.request('GET', `${CALLS}/obc_01HXMN8ZABC123ABC123ABC123`));
    check('GET /api/v1/outbound-calls', await api.request('GET', `${CALLS}?pageSize=1`));
    check('GET /api/v1/outbound-calls', await api.request('GET', `${CALLS}?status=done`));
    check(
      'POST /api/v1/outbound-calls/{callId}/cancel',
      await api.request('POST', `${CALLS}/${scheduled.body.id}/cancel`),
    );
    check(
      'POST /api/v1/outbound-calls/{callId}/cancel',
      await api.request('POST', `${CALLS}/${immediate.body.id}/cancel`),
    );
    check(
      'POST /api/v1/outbound-calls/{callId}/cancel',
      await api.request('POST', `${CALLS}/${immediate.body.id}/cancel`, { key: null }),
    );
    expect(new Set(seen)).toEqual(
      new Set([
        'POST /api/v1/outbound-calls 201',
        'POST /api/v1/outbound-calls 400',
        'POST /api/v1/outbound-calls 422',
        'POST /api/v1/outbound-calls 401',
        'GET /api/v1/outbound-calls/{callId} 200',
        'GET /api/v1/outbound-calls/{callId} 404',
        'GET /api/v1/outbound-calls 200',
        'GET /api/v1/outbound-calls 400',
        'POST /api/v1/outbound-calls/{callId}/cancel 200',
        'POST /api/v1/outbound-calls/{callId}/cancel 409',
        'POST /api/v1/outbound-calls/{callId}/cancel 401',
      ]),
    );
  });

  it('answers the webhook endpoints API as documented too', async () => {
    const check = (route: string, response: { status: number; body: unknown }) => {
      const operation = operations().find((candidate) => candidate.route === route)?.operation as Json;
      const documented = resolve(operation.responses[response.status]);
      expect(documented, `${route} → ${response.status} is documented`).toBeDefined();
      if (documented.content)
        expect(
          conforms(documented.content['application/json'].schema, response.body),
          `${route} → ${response.status}: ${JSON.stringify(response.body)}`,
        ).toBe(true);
      else expect(response.body).toBeUndefined();
    };
    const created = await api.request('POST', '/api/v1/webhooks', {
      body: { url: 'http://localhost:9/hooks', events: ['SessionEnded'] },
    });
    check('POST /api/v1/webhooks', created);
    const id = created.body.id as string;
    check(
      'POST /api/v1/webhooks',
      await api.request('POST', '/api/v1/webhooks', { body: { url: 'http://localhost:9/hooks', events: ['Nope'] } }),
    );
    check('GET /api/v1/webhooks', await api.request('GET', '/api/v1/webhooks'));
    check('GET /api/v1/webhooks/{webhookId}', await api.request('GET', `/api/v1/webhooks/${id}`));
    check('GET /api/v1/webhooks/{webhookId}', await api.request('GET', '/api/v1/webhooks/wh_missing'));
    check(
      'PATCH /api/v1/webhooks/{webhookId}',
      await api.request('PATCH', `/api/v1/webhooks/${id}`, { body: { description: 'Campaign results' } }),
    );
    check(
      'POST /api/v1/webhooks/{webhookId}/rotate-secret',
      await api.request('POST', `/api/v1/webhooks/${id}/rotate-secret`),
    );
    check(
      'GET /api/v1/webhooks/{webhookId}/deliveries',
      await api.request('GET', `/api/v1/webhooks/${id}/deliveries?pageSize=5`),
    );
    check('DELETE /api/v1/webhooks/{webhookId}', await api.request('DELETE', `/api/v1/webhooks/${id}`));
  });
});
