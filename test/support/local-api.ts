import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { addNumber, createAccount, createAgent, issueApiKey } from '#use-cases/manage-directory';
import { DEMO } from '../../local/demo-data.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { trackStack } from './worker-state.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  stack: LocalStack;
  /** Sends a request as a user would, with the demo key unless another (or none: null) is given. */
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  directory: DynamoDbDirectory;
  /** A second account with its own key and agent, for isolation tests. */
  createOtherAccount(): Promise<{ accountId: string; key: string; agentId: string; number: string }>;
}

export const CALLS = '/api/v1/outbound-calls';

/**
 * The local stack on DynamoDB Local and moto, in this test file's own table and queues, through
 * real HTTP, with the phone network's and the retries' time compressed.
 */
export async function startTestApi(
  options: Partial<Pick<LocalStackOptions, 'simulator' | 'environment' | 'reconcileIntervalMs'>> & {
    motoEndpoint?: string;
    /** DynamoDB Local, or a proxy in front of it (test/support/lossy-proxy.ts). */
    dynamodbEndpoint?: string;
  } = {},
): Promise<TestApi> {
  const stack = await startLocalStack({
    apiPort: 0,
    dynamodb: { endpoint: options.dynamodbEndpoint ?? inject('dynamodbEndpoint') },
    moto: { endpoint: options.motoEndpoint ?? inject('motoEndpoint') },
    tableName: `test-${randomUUID().slice(0, 8)}`,
    apiKey: DEMO.apiKey,
    simulator: { timeScale: 0.05, ...options.simulator },
    environment: {
      RETRY_DELAY_UNIT_SECONDS: '1',
      RING_TIMEOUT_SECONDS: '20',
      // A new webhook endpoint is active at once, whatever an earlier test file of this worker set.
      WEBHOOK_ENDPOINT_CACHE_SECONDS: '0',
      ...options.environment,
    },
    reconcileIntervalMs: options.reconcileIntervalMs ?? 3_600_000,
  });
  const stop = stack.stop;
  const stopped = trackStack(() => stack.stop());
  stack.stop = async () => {
    await stop();
    stopped();
  };
  const directory = new DynamoDbDirectory(createDocumentClient(), stack.tableName);
  let others = 0;
  return {
    stack,
    directory,
    async request(method, path, options = {}) {
      const key = options.key === undefined ? stack.apiKey : options.key;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      // Declared as JSON (fetch would call a string body text/plain), unless the test says otherwise.
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${stack.url}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async createOtherAccount() {
      others += 1;
      const deps = { directory, clock: systemClock };
      const account = await createAccount(deps, { name: `Other ${others}` });
      const { secret } = await issueApiKey(deps, { accountId: account.id, mode: 'test' });
      const agent = await createAgent(deps, {
        accountId: account.id,
        name: 'Other agent',
        defaultFirstMessage: 'Hello from elsewhere.',
      });
      const number = `+1202555${String(100 + others).padStart(4, '0')}`;
      await addNumber(deps, { accountId: account.id, number, agentId: agent.id });
      return { accountId: account.id, key: secret, agentId: agent.id, number };
    },
  };
}

/**
 * The local stack against the carrier simulator at its worst (chaos mode: callbacks duplicated,
 * delayed and reordered, skewed clocks, verdicts only on the answer request), with the reconciler
 * running every half second and short ring and watchdog times.
 */
export function startChaosTestApi(): Promise<TestApi> {
  return startTestApi({
    simulator: { timeScale: 0.05, chaos: true },
    environment: { WATCHDOG_GRACE_SECONDS: '1', RING_TIMEOUT_SECONDS: '2' },
    reconcileIntervalMs: 500,
  });
}

/** An ISO time `minutes` from now, as a user would write it. */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Polls until `check` returns a value, or fails with the last value seen after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await probe();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Polls a call until it reaches one of `statuses`. */
export async function callReaches(api: TestApi, id: string, statuses: string[], timeoutMs = 60_000, key?: string) {
  const response = await eventually(
    () => api.request('GET', `${CALLS}/${id}`, key ? { key } : {}),
    (r) => statuses.includes(r.body?.status),
    timeoutMs,
    `call ${id} to reach ${statuses.join(' or ')}`,
  );
  return response.body;
}

/**
 * Creates one call to each number, all at once (agent agt_01HXK8Z3MNPQRS, one retry a minute
 * after a no-answer), expecting 201 for each; resolves with their ids, in the numbers' order.
 */
export async function createCallsTo(api: TestApi, numbers: string[]): Promise<Array<{ id: string; toNumber: string }>> {
  return Promise.all(
    numbers.map(async (toNumber) => {
      const response = await api.request('POST', CALLS, {
        body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, maxRetries: 1, retryDelayMinutes: 1 },
      });
      expect(response.status).toBe(201);
      return { id: response.body.id as string, toNumber };
    }),
  );
}
