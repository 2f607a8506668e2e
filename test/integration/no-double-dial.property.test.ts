import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { SqsDialQueue } from '#adapters/sqs/dial-queue';
import { DynamoDbCallRateLimiter } from '#adapters/dynamodb/call-rate-limiter';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import type { StoredCall } from '#schemas/call';
import type { DialMessage } from '#schemas/dial-message';
import { systemClock } from '#ports/clock';
import type { CallScheduler, DialQueue } from '#ports/dispatch';
import type { TelephonyProvider } from '#ports/telephony';
import { cancelCall } from '#use-cases/cancel-call';
import { dialCall, type DialDeps } from '#use-cases/dial-call';
import { dialMessageFor } from '#use-cases/dispatch-call';
import { createAccount } from '#use-cases/manage-directory';
import { ensureTable } from '../../local/tables.ts';
import { aCall } from '../support/calls.ts';
import { CALLS, callReaches, startChaosTestApi, type TestApi } from '../support/local-api.ts';
import { noMetrics } from '#ports/metrics';

/**
 * The guarantee that matters most: an attempt reaches the provider at most once. Real
 * DynamoDB Local and the real store; the provider, queue and scheduler are counting fakes of
 * the service's own ports. fast-check generates duplicated and reordered deliveries, runs them
 * in concurrent batches (many dialers at once), and races cancels against them.
 */
describe('no double dial', () => {
  let store: DynamoDbCallRepository;
  let deps: DialDeps;
  const dials = new Map<string, number>();
  const requeued: DialMessage[] = [];

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const tableName = `prop-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    const db = createDocumentClient(client);
    await createAccount(
      { directory: new DynamoDbDirectory(db, tableName), clock: systemClock },
      { id: 'acc_prop', name: 'Property', concurrentCallLimit: 1000 },
    );
    store = new DynamoDbCallRepository(db, tableName, systemClock);
    const provider: TelephonyProvider = {
      async placeCall(request) {
        const key = `${request.callId}#${request.attempt}`;
        dials.set(key, (dials.get(key) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        return { placed: true, providerCallId: `CA${ulid()}` };
      },
      fetchOutcome: async () => null,
    };
    const queue: DialQueue = { send: async (message) => void requeued.push(message) };
    const scheduler: CallScheduler = { schedule: async () => undefined, cancel: async () => undefined };
    deps = {
      calls: store,
      metrics: noMetrics,
      slotCounters: new DynamoDbSlotCounters(db, tableName),
      queue,
      scheduler,
      clock: systemClock,
      providers: { live: provider, test: provider },
      rateLimiter: new DynamoDbCallRateLimiter(db, tableName, 10_000),
      limits: {
        ringTimeoutSeconds: 30,
        maxCallDurationSeconds: 3600,
        retryDelayUnitSeconds: 60,
        watchdogGraceSeconds: 120,
      },
      newConversationId: () => `conv_${ulid()}`,
      newWaitToken: () => ulid(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
  });
  afterAll(() => undefined);

  async function createCalls(count: number, scheduledMask: boolean[]): Promise<StoredCall[]> {
    const calls: StoredCall[] = [];
    for (let i = 0; i < count; i++) {
      const call = aCall({ accountId: 'acc_prop', agentId: 'agt_prop' });
      // A scheduled call whose time has come: the schedule and the reconciler may both deliver it.
      const stored = scheduledMask[i] ? { ...call, status: 'scheduled' as const, scheduledFor: call.createdAt } : call;
      await store.create(stored);
      calls.push(stored);
    }
    return calls;
  }

  it('dials every attempt at most once, and every call not cancelled exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((count) =>
          fc.record({
            count: fc.constant(count),
            scheduled: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
            copies: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: count, maxLength: count }),
            cancels: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
            order: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
            batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 24, maxLength: 24 }),
          }),
        ),
        async ({ count, scheduled, copies, cancels, order, batchSizes }) => {
          const calls = await createCalls(count, scheduled);
          // Every delivery of every call, plus a cancel for some, in a generated order.
          type Action = { kind: 'deliver'; call: StoredCall } | { kind: 'cancel'; call: StoredCall };
          const actions: Action[] = calls.flatMap((call, i) => [
            ...Array.from({ length: copies[i] as number }, () => ({ kind: 'deliver' as const, call })),
            ...(cancels[i] ? [{ kind: 'cancel' as const, call }] : []),
          ]);
          const shuffled = actions
            .map((action, i) => ({ action, rank: order[i % order.length] as number }))
            .sort((a, b) => a.rank - b.rank)
            .map(({ action }) => action);
          // Concurrent batches: several dialers (and cancellers) at the same moment.
          let position = 0;
          for (const size of batchSizes) {
            const batch = shuffled.slice(position, position + size);
            position += size;
            await Promise.all(
              batch.map((action) =>
                action.kind === 'deliver'
                  ? dialCall(deps, dialMessageFor(action.call))
                  : cancelCall(deps, 'acc_prop', action.call.id).catch((error: { code?: string }) => {
                      if (error.code !== 'call_not_cancellable') throw error;
                    }),
              ),
            );
            if (position >= shuffled.length) break;
          }
          // Messages the dialer handed back (none expected with free slots) are delivered too.
          while (requeued.length > 0) await dialCall(deps, requeued.shift() as DialMessage);

          for (const call of calls) {
            const final = await store.getById(call.id);
            const count = dials.get(`${call.id}#1`) ?? 0;
            expect(count).toBeLessThanOrEqual(1);
            if (final?.status === 'cancelled') expect(count).toBe(0);
            else
              expect({ id: call.id, status: final?.status, count }).toEqual({
                id: call.id,
                status: 'initiating',
                count: 1,
              });
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});

/**
 * The same guarantee through the whole local pipeline, against the carrier simulator in chaos
 * mode (duplicated, delayed, reordered callbacks; skewed clocks; verdicts only on the answer
 * request): every dial message is delivered again, up to three more times, while the network
 * misbehaves and the reconciler runs every half second. Each attempt reaches the network once.
 */
describe('no double dial on a network at its worst', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startChaosTestApi();
  });
  afterAll(() => api.stack.stop());

  it('dials every attempt exactly once however often its dial message arrives', async () => {
    const queue = new SqsDialQueue(new SQSClient({}), api.stack.queues.dialQueueUrl);
    const numbers = ['+15005550100', '+15005550101', '+15005550102', '+15005550104', '+15005550107', '+15005550108'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ toNumber: fc.constantFrom(...numbers), copies: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (plan) => {
          const created = await Promise.all(
            plan.map(async ({ toNumber, copies }) => {
              const { body } = await api.request('POST', CALLS, {
                body: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber, maxRetries: 1, retryDelayMinutes: 1 },
              });
              const message: DialMessage = {
                callId: body.id,
                accountId: 'acc_demo',
                attempt: 1,
                dueAt: body.createdAt,
                waits: 0,
              };
              await Promise.all(Array.from({ length: copies }, () => queue.send(message, 0)));
              return body.id as string;
            }),
          );
          for (const id of created) {
            const call = await callReaches(api, id, ['completed', 'failed', 'no_answer', 'busy', 'voicemail'], 60_000);
            const dials = [...api.stack.simulatedCalls.calls.values()].filter((c) =>
              String(c.params.Url).includes(`callId=${id}&`),
            );
            const attempts = dials.map((c) => Number(String(c.params.Url).split('attempt=')[1]));
            expect({ id, attempts: attempts.sort() }).toEqual({
              id,
              attempts: call.attempts.map((a: { attempt: number }) => a.attempt),
            });
          }
        },
      ),
      { numRuns: 4 },
    );
  }, 300_000);
});
