import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { invalidRequest } from '#domain/errors';
import { apiHandler, json, type ApiEvent } from '#handlers/http/api-handler';
import { handler as routeNotFound } from '#handlers/route-not-found';
import { captureLogLines } from '../../support/log-lines.ts';
import { logger } from '#handlers/logger';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const caller = { accountId: 'acc_demo', keyMode: 'test', keyId: 'key_1' };
const event = (requestId: string | undefined, method = 'GET', rawPath = '/api/v1/outbound-calls'): ApiEvent =>
  ({
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: '',
    headers: {},
    requestContext: {
      requestId,
      http: { method, path: rawPath },
      authorizer: { lambda: caller },
    },
  }) as unknown as ApiEvent;

describe('Request-Id: every HTTP response, error body and log line names its request', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.stop());

  it("puts API Gateway's request id on a success, on an error body as error.requestId, and on the route's log lines", async () => {
    const ok = apiHandler(async () => {
      logger.info('working');
      return json(200, { fine: true });
    });
    const failing = apiHandler(async () => {
      throw invalidRequest('bad_thing', 'Bad.', 'toNumber');
    });
    const answered = await ok(event('req-ok'), {} as never);
    expect(answered.headers).toMatchObject({ 'request-id': 'req-ok' });
    expect(JSON.parse(String(answered.body))).toEqual({ fine: true });
    expect(capture.lines).toContainEqual(expect.objectContaining({ message: 'working', requestId: 'req-ok' }));

    const refused = await failing(event('req-bad'), {} as never);
    expect(refused.headers).toMatchObject({ 'request-id': 'req-bad' });
    expect(JSON.parse(String(refused.body))).toEqual({
      error: { type: 'invalid_request', code: 'bad_thing', message: 'Bad.', param: 'toNumber', requestId: 'req-bad' },
    });
  });

  it('a 401 for a missing caller carries it too, and an event without one gets a fresh id', async () => {
    const route = apiHandler(async () => json(200, {}));
    const anonymous = { ...event(undefined), requestContext: { http: { method: 'GET' } } } as unknown as ApiEvent;
    const answered = await route(anonymous, {} as never);
    expect(answered.statusCode).toBe(401);
    const id = (answered.headers as Record<string, string>)['request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(String(answered.body)).error.requestId).toBe(id);
  });

  it('keeps concurrent requests apart', async () => {
    const route = apiHandler(async ({ event }) => {
      await new Promise((resolve) => setTimeout(resolve, event.requestContext.requestId === 'first' ? 20 : 0));
      return json(200, { id: event.requestContext.requestId });
    });
    const [first, second] = await Promise.all([
      route(event('first'), {} as never),
      route(event('second'), {} as never),
    ]);
    expect(first.headers).toMatchObject({ 'request-id': 'first' });
    expect(second.headers).toMatchObject({ 'request-id': 'second' });
  });
});

describe('the $default route', () => {
  it('answers a known path asked with another method 405, with Allow and the request id', async () => {
    const answered = await routeNotFound(event('req-405', 'DELETE', '/api/v1/outbound-calls') as never);
    expect(answered.statusCode).toBe(405);
    expect(answered.headers).toMatchObject({ allow: 'POST, GET', 'request-id': 'req-405' });
    expect(JSON.parse(String(answered.body)).error).toMatchObject({
      type: 'method_not_allowed',
      code: 'method_not_allowed',
      requestId: 'req-405',
    });
    const cancel = await routeNotFound(event('req-c', 'GET', '/api/v1/outbound-calls/obc_1/cancel') as never);
    expect(cancel.headers).toMatchObject({ allow: 'POST' });
  });

  it('answers an unknown path 404 with the request id', async () => {
    const answered = await routeNotFound(event('req-404', 'GET', '/api/v2/nothing') as never);
    expect(answered.statusCode).toBe(404);
    expect(answered.headers).toMatchObject({ 'request-id': 'req-404' });
    expect(answered.headers).not.toHaveProperty('allow');
    // A method the path answers, on a request no route took (an undecodable escape): never "405, Allow: POST" to a POST.
    const undecodable = await routeNotFound(event('req-e', 'POST', '/api/v1/outbound-calls/%E0%A4%A/cancel') as never);
    expect(undecodable.statusCode).toBe(404);
    expect(undecodable.headers).not.toHaveProperty('allow');
    expect(JSON.parse(String(answered.body)).error).toMatchObject({ code: 'route_not_found', requestId: 'req-404' });
  });
});
