import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { addNumber, createAccount, createAgent, issueApiKey } from '#use-cases/manage-directory';
import { DEMO } from '../../infra/local/demo-data.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  stack: LocalStack;
  /** Sends a request as a user would, with the demo key unless another (or none: null) is given. */
  request<T = any>(method: string, path: string, options?: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  directory: DynamoDbDirectory;
  /** A second account with its own key and agent, for isolation tests. */
  createOtherAccount(): Promise<{ accountId: string; key: string; agentId: string; number: string }>;
}

export const CALLS = '/api/v1/outbound-calls';

/** The local stack on DynamoDB Local, in this test file's own table, through real HTTP. */
export async function startTestApi(): Promise<TestApi> {
  const stack = await startLocalStack({
    apiPort: 0,
    dynamodb: { endpoint: inject('dynamodbEndpoint') },
    tableName: `test-${randomUUID()}`,
    apiKey: DEMO.apiKey,
  });
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
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${stack.url}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async createOtherAccount() {
      others += 1;
      const deps = { directory, clock: systemClock };
      const account = await createAccount(deps, { name: `Other ${others}` });
      const { secret } = await issueApiKey(deps, { accountId: account.id, mode: 'test' });
      const agent = await createAgent(deps, { accountId: account.id, name: 'Other agent', defaultFirstMessage: 'Hello from elsewhere.' });
      const number = `+1202555${String(100 + others).padStart(4, '0')}`;
      await addNumber(deps, { accountId: account.id, number, agentId: agent.id });
      return { accountId: account.id, key: secret, agentId: agent.id, number };
    },
  };
}

/** An ISO time `minutes` from now, as a user would write it. */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
