import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type * as z from 'zod/mini';
import type { CallSchema } from '#schemas/call';
import type {
  CallingWindowSchema,
  RetryPolicyEntrySchema,
  RetryPolicySchema,
  Weekday as SchemaWeekday,
} from '#schemas/calling-window';
import type {
  CampaignCountsSchema,
  CampaignSchema,
  CampaignStatusSchema,
  ListCampaignsQuerySchema,
} from '#schemas/campaign';
import type { CampaignContactSchema, CreateCampaignRequestSchema, PacingSchema } from '#schemas/campaign-request';
import type { CreateCallRequestSchema } from '#schemas/create-call-request';
import type { ListCallsQuerySchema } from '#schemas/list-calls-query';
import type { CreateSuppressionRequestSchema } from '#schemas/suppression-request';
import type { ListSuppressionsQuerySchema, SuppressionSchema } from '#schemas/suppressions';
import type { UpdateCallRequestSchema } from '#schemas/update-call-request';
import type { ListDeliveriesQuerySchema } from '#schemas/webhooks';
import {
  APIConnectionError,
  APITimeoutError,
  AuthenticationError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  UnprocessableEntityError,
  Voisnap,
  VoisnapError,
  type AddSuppressionParams,
  type Call,
  type CallingWindow,
  type Campaign,
  type CampaignContact,
  type CampaignCounts,
  type CampaignStatus,
  type CreateCallParams,
  type CreateCampaignParams,
  type ListCallsParams,
  type ListCampaignsParams,
  type ListDeliveriesParams,
  type ListSuppressionsParams,
  type Pacing,
  type RetryPolicy,
  type RetryRule,
  type Suppression,
  type UpdateCallParams,
  type Weekday,
} from '../../sdk/typescript/src/index.ts';
import { minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';
import { startFakeServer, startTamperingProxy, type FakeServer } from '../support/http-fakes.ts';

const execFileAsync = promisify(execFile);
/** Runs a command; a failure carries what it printed (tsc reports on stdout). */
const run = (command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  execFileAsync(command, args, options).catch((error: { message: string; stdout?: string; stderr?: string }) => {
    throw new Error(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  });
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CREATED = { status: 201, body: { id: 'obc_01HXMN8ZABC123', status: 'queued' } };

describe('types', () => {
  it('are the shared zod schemas, through the OpenAPI document (checked by tsc)', () => {
    expectTypeOf<Call>().toEqualTypeOf<z.infer<typeof CallSchema>>();
    expectTypeOf<CreateCallParams>().toEqualTypeOf<z.input<typeof CreateCallRequestSchema>>();
    expectTypeOf<ListCallsParams>().toEqualTypeOf<Omit<z.infer<typeof ListCallsQuerySchema>, 'cursor'>>();
    expectTypeOf<UpdateCallParams>().toEqualTypeOf<z.input<typeof UpdateCallRequestSchema>>();
    expectTypeOf<ListDeliveriesParams>().toEqualTypeOf<Omit<z.infer<typeof ListDeliveriesQuerySchema>, 'cursor'>>();
  });

  it('of campaigns and suppressions are the shared zod schemas too (checked by tsc)', () => {
    expectTypeOf<CreateCampaignParams>().toEqualTypeOf<z.input<typeof CreateCampaignRequestSchema>>();
    expectTypeOf<CampaignContact>().toEqualTypeOf<z.input<typeof CampaignContactSchema>>();
    expectTypeOf<Pacing>().toEqualTypeOf<z.input<typeof PacingSchema>>();
    expectTypeOf<CallingWindow>().toEqualTypeOf<z.input<typeof CallingWindowSchema>>();
    expectTypeOf<Weekday>().toEqualTypeOf<SchemaWeekday>();
    expectTypeOf<RetryPolicy>().toEqualTypeOf<z.input<typeof RetryPolicySchema>>();
    expectTypeOf<RetryRule>().toEqualTypeOf<z.input<typeof RetryPolicyEntrySchema>>();
    expectTypeOf<Campaign>().toEqualTypeOf<z.infer<typeof CampaignSchema>>();
    expectTypeOf<CampaignStatus>().toEqualTypeOf<z.infer<typeof CampaignStatusSchema>>();
    expectTypeOf<CampaignCounts>().toEqualTypeOf<z.infer<typeof CampaignCountsSchema>>();
    expectTypeOf<ListCampaignsParams>().toEqualTypeOf<Omit<z.infer<typeof ListCampaignsQuerySchema>, 'cursor'>>();
    expectTypeOf<Suppression>().toEqualTypeOf<z.infer<typeof SuppressionSchema>>();
    expectTypeOf<AddSuppressionParams>().toEqualTypeOf<z.input<typeof CreateSuppressionRequestSchema>>();
    expectTypeOf<ListSuppressionsParams>().toEqualTypeOf<Omit<z.infer<typeof ListSuppressionsQuerySchema>, 'cursor'>>();
  });
});

describe('the TypeScript SDK against the local stack', () => {
  let api: TestApi;
  let client: Voisnap;
  beforeAll(async () => {
    api = await startTestApi();
    client = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: api.stack.url });
  });
  afterAll(() => api.stack.stop());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  let immediateId: string;
  let scheduledId: string;

  it("runs the reference's immediate and scheduled examples (the scheduled time moved into the future)", async () => {
    const scheduledFor = minutesFromNow(60);

    // Immediate
    const call = await client.outboundCalls.create({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
      metadata: { customerId: 'cust_12345', customerName: 'Jane Smith' },
      overrideFirstMessage: 'Hi Jane, this is Aria calling from Acme...',
    });

    // Scheduled
    const scheduledCall = await client.outboundCalls.create({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
      scheduledFor,
      maxRetries: 2,
      retryDelayMinutes: 30,
    });

    expect(call).toMatchObject({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
      fromNumber: '+14155550123',
      status: 'queued',
      scheduledFor: null,
      metadata: { customerId: 'cust_12345', customerName: 'Jane Smith' },
      overrideFirstMessage: 'Hi Jane, this is Aria calling from Acme...',
    });
    expect(call.id).toMatch(/^obc_[0-9A-Z]{26}$/);
    expect(scheduledCall).toMatchObject({
      status: 'scheduled',
      scheduledFor,
      maxRetries: 2,
      retryDelayMinutes: 30,
      retryCount: 0,
    });
    immediateId = call.id;
    scheduledId = scheduledCall.id;
  });

  it("runs the reference's for-await list example, which pages through every completed call", async () => {
    const completed = await waitFor(
      () => client.outboundCalls.get(immediateId),
      (call) => call.status === 'completed',
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    for await (const call of client.outboundCalls.list({ status: 'completed' })) {
      console.log(`${call.toNumber}: ${call.status}`);
    }

    expect(log.mock.calls).toEqual([['+14155550199: completed']]);
    expect(completed).toMatchObject({ endReason: 'agent_ended', conversationId: expect.stringMatching(/^conv_/) });
    expect(completed.durationSeconds).toBeGreaterThanOrEqual(0);
  });

  it("runs the reference's cancel example (with the scheduled call's id), then a second cancel is a ConflictError", async () => {
    await client.outboundCalls.cancel(scheduledId);

    expect(await client.outboundCalls.get(scheduledId)).toMatchObject({ status: 'cancelled', endReason: 'cancelled' });
    const again = await client.outboundCalls.cancel(scheduledId).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ status: 409, type: 'conflict', code: 'call_not_cancellable' });
    expect((again as Error).message).toContain('is cancelled');
  });

  it('list() follows nextCursor through every page, newest first, keeping the filters', async () => {
    const marker = `paging-${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const call = await client.outboundCalls.create({
        agentId: 'agt_01HXK8Z3MNPQRT',
        toNumber: '+14155550199',
        scheduledFor: minutesFromNow(90),
        metadata: { marker },
      });
      created.push(call.id);
    }
    const listed: Call[] = [];
    for await (const call of client.outboundCalls.list({
      agentId: 'agt_01HXK8Z3MNPQRT',
      status: 'scheduled',
      pageSize: 2,
    }))
      listed.push(call);
    expect(listed.map((call) => call.id)).toEqual([...created].reverse());

    const partial: string[] = [];
    for await (const call of client.outboundCalls.list({ agentId: 'agt_01HXK8Z3MNPQRT', pageSize: 3, page: 2 }))
      partial.push(call.id);
    expect(partial).toEqual([...created].reverse().slice(3));
  });

  it("raises the API's errors as typed errors carrying status, type, code, message and field", async () => {
    const invalid = await client.outboundCalls
      .create({ agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '415-555-0199' })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(InvalidRequestError);
    expect(invalid).toBeInstanceOf(VoisnapError);
    expect(invalid).toMatchObject({
      name: 'InvalidRequestError',
      status: 400,
      type: 'invalid_request',
      code: 'invalid_phone_number',
      param: 'toNumber',
    });
    expect((invalid as Error).message).toContain('E.164');

    const missing = await client.outboundCalls.get('obc_01HXMN8ZABC123ABC123ABC123').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'call_not_found' });

    const stranger = new Voisnap({ apiKey: 'vsnp_test_00000000000000000000000000000000', baseUrl: api.stack.url });
    const unauthenticated = await stranger.outboundCalls.get(immediateId).catch((error: unknown) => error);
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect(unauthenticated).toMatchObject({ status: 401, type: 'authentication_failed', code: 'invalid_api_key' });

    const body = { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199', scheduledFor: minutesFromNow(60) };
    const key = `reused-${Date.now()}`;
    await client.outboundCalls.create(body, { idempotencyKey: key });
    const reused = await client.outboundCalls
      .create({ ...body, toNumber: '+14155550100' }, { idempotencyKey: key })
      .catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(UnprocessableEntityError);
    expect(reused).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it('never creates a call twice when a response is lost: the retry carries the same Idempotency-Key', async () => {
    for (const lose of ['respond-503', 'drop-connection'] as const) {
      const proxy = await startTamperingProxy(api.stack.url, (request, index) =>
        request.method === 'POST' && index === 0 ? lose : 'forward',
      );
      try {
        const marker = `lost-response-${lose}`;
        const viaProxy = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: proxy.url });
        const call = await viaProxy.outboundCalls.create({
          agentId: 'agt_01HXK8Z3MNPQRS',
          toNumber: '+14155550199',
          scheduledFor: minutesFromNow(60),
          metadata: { marker },
        });

        const posts = proxy.requests.filter((request) => request.method === 'POST');
        expect(posts, lose).toHaveLength(2);
        expect(posts[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
        expect(posts[1]?.headers['idempotency-key']).toBe(posts[0]?.headers['idempotency-key']);
        const withMarker: string[] = [];
        for await (const listed of client.outboundCalls.list({ status: 'scheduled' }))
          if (listed.metadata.marker === marker) withMarker.push(listed.id);
        expect(withMarker, lose).toEqual([call.id]);
      } finally {
        await proxy.close();
      }
    }
  });

  it('installs from its packed tarball and runs the examples in plain Node.js, type-checked against its .d.ts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voisnap-sdk-'));
    try {
      const sdkDir = join(REPO_ROOT, 'sdk', 'typescript');
      const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: sdkDir });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.trim())], { cwd: dir });
      writeFileSync(
        join(dir, 'app.mjs'),
        `import { Voisnap, NotFoundError } from '@voisnap/sdk';
const client = new Voisnap({ apiKey: String(process.env.VOISNAP_API_KEY), baseUrl: process.env.VOISNAP_BASE_URL });
const call = await client.outboundCalls.create({
  agentId: 'agt_01HXK8Z3MNPQRS',
  toNumber: '+14155550199',
  metadata: { customerId: 'cust_12345', customerName: 'Jane Smith' },
  overrideFirstMessage: 'Hi Jane, this is Aria calling from Acme...',
});
const fetched = await client.outboundCalls.get(call.id);
let listed = 0;
for await (const each of client.outboundCalls.list({ agentId: 'agt_01HXK8Z3MNPQRS' })) listed += each.id === call.id ? 1 : 0;
const notFound = await client.outboundCalls.get('obc_missing').catch((error) => error instanceof NotFoundError);
console.log(JSON.stringify({ id: fetched.id, status: call.status, listed, notFound }));
`,
      );
      const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      // What a user's editor would say about the examples, from the package's .d.ts files.
      await run(
        process.execPath,
        [
          tsc,
          '--noEmit',
          '--allowJs',
          '--checkJs',
          '--strict',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2022',
          '--lib',
          'es2022',
          '--skipLibCheck',
          '--types',
          'node',
          '--typeRoots',
          join(REPO_ROOT, 'node_modules', '@types'),
          'app.mjs',
        ],
        { cwd: dir },
      );
      const { stdout } = await run(process.execPath, ['app.mjs'], {
        cwd: dir,
        env: { ...process.env, VOISNAP_API_KEY: api.stack.apiKey, VOISNAP_BASE_URL: api.stack.url },
      });
      expect(JSON.parse(stdout)).toMatchObject({
        id: expect.stringMatching(/^obc_/),
        status: 'queued',
        listed: 1,
        notFound: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the TypeScript SDK against a scripted server', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const clientOf = (url: string, options: { maxRetries?: number; timeoutMs?: number } = {}) =>
    new Voisnap({ apiKey: 'vsnp_test_key', baseUrl: url, ...options });

  it('retries a 503 and creates exactly one call: both attempts carry the same Idempotency-Key', async () => {
    server = await startFakeServer([{ status: 503, body: { message: 'Service Unavailable' } }, CREATED]);
    const call = await clientOf(server.url).outboundCalls.create({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
    });
    expect(call.id).toBe('obc_01HXMN8ZABC123');
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(server.requests[1]?.headers['idempotency-key']).toBe(server.requests[0]?.headers['idempotency-key']);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({
      agentId: 'agt_01HXK8Z3MNPQRS',
      toNumber: '+14155550199',
    });
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer vsnp_test_key',
      'content-type': 'application/json',
    });
  });

  it('raises a 400 at once, naming the field', async () => {
    server = await startFakeServer([
      {
        status: 400,
        body: {
          error: {
            type: 'invalid_request',
            code: 'missing_field',
            message: 'toNumber is required.',
            param: 'toNumber',
          },
        },
      },
    ]);
    const error = await clientOf(server.url)
      .outboundCalls.create({ agentId: 'agt_01HXK8Z3MNPQRS' } as CreateCallParams)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: 'missing_field',
      param: 'toNumber',
      message: 'toNumber is required.',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('gives each create its own key, or the one it is given', async () => {
    server = await startFakeServer([CREATED]);
    const client = clientOf(server.url);
    await client.outboundCalls.create({ agentId: 'a', toNumber: '+14155550199' });
    await client.outboundCalls.create({ agentId: 'a', toNumber: '+14155550199' });
    await client.outboundCalls.create({ agentId: 'a', toNumber: '+14155550199' }, { idempotencyKey: 'row-17' });
    const keys = server.requests.map((request) => request.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe('row-17');
  });

  it('retries 429, 5xx and a concurrent_update conflict with backoff, up to maxRetries, then raises the last error', async () => {
    server = await startFakeServer([
      { status: 429, body: { message: 'Too Many Requests' } },
      {
        status: 500,
        body: { error: { type: 'internal', code: 'internal_error', message: 'Something went wrong on our side.' } },
      },
      { status: 409, body: { error: { type: 'conflict', code: 'concurrent_update', message: 'The call changed.' } } },
      { status: 200, body: { id: 'obc_1', status: 'cancelled' } },
    ]);
    const started = Date.now();
    expect(await clientOf(server.url, { maxRetries: 3 }).outboundCalls.cancel('obc_1')).toMatchObject({
      status: 'cancelled',
    });
    expect(server.requests).toHaveLength(4);
    // Backoff 0.25–0.5 s, 0.5–1 s, 1–2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_700);

    await server.close();
    server = await startFakeServer([{ status: 429, body: { message: 'Too Many Requests' } }]);
    const error = await clientOf(server.url, { maxRetries: 1 })
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, message: 'Too Many Requests', code: undefined });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a conflict that a retry cannot cure', async () => {
    server = await startFakeServer([
      {
        status: 409,
        body: {
          error: {
            type: 'conflict',
            code: 'call_not_cancellable',
            message: 'Call obc_1 is completed; only scheduled or queued calls can be cancelled.',
          },
        },
      },
    ]);
    await expect(clientOf(server.url).outboundCalls.cancel('obc_1')).rejects.toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a dropped connection, and raises APIConnectionError when the network keeps failing', async () => {
    server = await startFakeServer(['drop-connection', CREATED]);
    await clientOf(server.url).outboundCalls.create({ agentId: 'a', toNumber: '+14155550199' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers['idempotency-key']).toBe(server.requests[0]?.headers['idempotency-key']);

    const error = await clientOf('http://127.0.0.1:9', { maxRetries: 0 })
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ status: undefined });
  });

  it('gives up on an attempt after timeoutMs, retries it, then raises APITimeoutError', async () => {
    server = await startFakeServer(['never-answer']);
    const started = Date.now();
    const error = await clientOf(server.url, { timeoutMs: 200, maxRetries: 1 })
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('list() sends the filters, then each nextCursor with the same filters and without page', async () => {
    const call = (id: string) => ({ id, status: 'completed' });
    server = await startFakeServer([
      {
        status: 200,
        body: { data: [call('obc_3'), call('obc_2')], page: 2, pageSize: 2, hasMore: true, nextCursor: 'cursor-3' },
      },
      { status: 200, body: { data: [call('obc_1')], page: 3, pageSize: 2, hasMore: false, nextCursor: null } },
    ]);
    const ids: string[] = [];
    for await (const each of clientOf(server.url).outboundCalls.list({
      status: 'completed',
      dateFrom: '2025-06-01',
      pageSize: 2,
      page: 2,
    }))
      ids.push(each.id);
    expect(ids).toEqual(['obc_3', 'obc_2', 'obc_1']);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/api/v1/outbound-calls?status=completed&dateFrom=2025-06-01&pageSize=2&page=2',
      '/api/v1/outbound-calls?status=completed&dateFrom=2025-06-01&pageSize=2&cursor=cursor-3',
    ]);
  });

  it("reads API Gateway's own error bodies, and refuses to start without an API key", async () => {
    server = await startFakeServer([{ status: 401, body: { message: 'Unauthorized' } }]);
    const error = await clientOf(server.url)
      .outboundCalls.get('obc_1')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, message: 'Unauthorized' });
    expect(() => new Voisnap({ apiKey: '' })).toThrow(/apiKey is required/);
    expect(() => clientOf(server?.url ?? '').outboundCalls.get('')).toThrow(TypeError);
  });
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
