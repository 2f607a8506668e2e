import middy from '@middy/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConcurrentModificationError, type ErrorKind, OutcomeUnknownError, ServiceError } from '#domain/errors';
import { HTTP_STATUS, type ApiResult } from '#handlers/http/api-handler';
import { apiErrors } from '#handlers/middleware/api-errors';
import { captureLogLines } from '../../support/log-lines.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const route = 'POST /api/v1/outbound-calls';
const throwing = (error: unknown) =>
  middy<{ routeKey: string }, ApiResult>()
    .use(apiErrors())
    .handler(async () => {
      throw error;
    });
const answer = async (error: unknown) => {
  const result = await throwing(error)({ routeKey: route }, {} as never);
  return { status: result.statusCode, body: JSON.parse(String(result.body)) };
};

describe('apiErrors: every error a route throws leaves in the one error shape', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.stop());

  it('a service error as its kind’s status, with its code, message and param, and no log line', async () => {
    const kinds = Object.keys(HTTP_STATUS).filter((kind) => kind !== 'internal') as ErrorKind[];
    for (const kind of kinds) {
      expect(await answer(new ServiceError(kind, 'some_code', 'What went wrong.', 'toNumber'))).toEqual({
        status: HTTP_STATUS[kind],
        body: { error: { type: kind, code: 'some_code', message: 'What went wrong.', param: 'toNumber' } },
      });
    }
    expect(await answer(new ServiceError('not_found', 'call_not_found', 'No such call.'))).toEqual({
      status: 404,
      body: { error: { type: 'not_found', code: 'call_not_found', message: 'No such call.' } },
    });
    expect(capture.lines).toEqual([]);
  });

  it('a write that lost a race as a 409 the caller may retry', async () => {
    const { status, body } = await answer(new ConcurrentModificationError('call', 'obc_1'));
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ type: 'conflict', code: 'concurrent_update' });
  });

  it('anything else as a 500 that says nothing internal, logged once with its route', async () => {
    const { status, body } = await answer(new TypeError('table secret-table-name is unreachable'));
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ type: 'internal', code: 'internal_error' });
    expect(JSON.stringify(body)).not.toContain('secret-table-name');
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toMatchObject({ level: 'ERROR', message: 'Unhandled error', route });
  });

  it('a write whose outcome is unknown as a 500 outcome_unknown with its message, both failures logged', async () => {
    const message = 'The call obc_1 may have been created.';
    const { status, body } = await answer(
      new OutcomeUnknownError(message, [
        new Error('write timed out in secret-table-name'),
        new Error('resend timed out'),
      ]),
    );
    expect(status).toBe(500);
    expect(body).toEqual({ error: { type: 'internal', code: 'outcome_unknown', message } });
    expect(capture.lines).toHaveLength(1);
    expect(capture.lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'A write’s outcome is unknown',
      route,
      failures: [expect.objectContaining({ errorType: 'Error' }), expect.objectContaining({ errorType: 'Error' })],
    });
  });
});
