import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbReconcilerQueries } from '#adapters/dynamodb/reconciler-queries';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { startDial, type CallTimingLimits, type ProviderEvent } from '#domain/call-lifecycle';
import type { Clock } from '#ports/clock';
import type { TelephonyProvider } from '#ports/telephony';
import type { StoredCall } from '#schemas/call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { createAccount } from '#use-cases/manage-directory';
import { reconcile, type ReconcileDeps } from '#use-cases/reconcile';
import { ensureTable } from '../../local/tables.ts';
import { aCall } from '../support/calls.ts';
import { noMetrics } from '#ports/metrics';

const limits: CallTimingLimits = {
  ringTimeoutSeconds: 30,
  maxCallDurationSeconds: 600,
  retryDelayUnitSeconds: 60,
  watchdogGraceSeconds: 10,
};
const DIALED_AT = new Date('2030-01-01T12:00:00Z');
const seconds = (n: number) => new Date(DIALED_AT.getTime() + n * 1000);

/**
 * The reconciler against the real store on DynamoDB Local, with a scripted provider and clock:
 * it never ends an attempt while the provider may still report on it, and a final report that
 * arrives after it gave up is reported, not silently dropped.
 */
describe('the reconciler and late reports', () => {
  let store: DynamoDbCallRepository;
  let outcome: ProviderEvent | 'ongoing' | null = null;
  const clock = {
    at: DIALED_AT,
    now() {
      return this.at;
    },
  } satisfies Clock & { at: Date };
  let deps: ReconcileDeps;

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const tableName = `reconcile-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    const db = createDocumentClient(client);
    await createAccount(
      { directory: new DynamoDbDirectory(db, tableName), clock },
      { id: 'acc_late', name: 'Late', concurrentCallLimit: 100 },
    );
    store = new DynamoDbCallRepository(db, tableName, clock);
    const provider: TelephonyProvider = {
      placeCall: async () => ({ placed: false, reason: 'provider_error', detail: 'unused' }),
      fetchOutcome: async () => outcome,
    };
    deps = {
      calls: store,
      metrics: noMetrics,
      reconcilerQueries: new DynamoDbReconcilerQueries(db, tableName),
      slotCounters: new DynamoDbSlotCounters(db, tableName),
      clock,
      limits,
      queue: { send: async () => undefined },
      scheduler: { schedule: async () => undefined, cancel: async () => undefined },
      providers: { live: provider, test: provider },
      newWaitToken: () => ulid(),
      onCallError: (_id, error) => {
        throw error;
      },
      deadline: new Date('2100-01-01T00:00:00Z'),
    };
  });

  /** A call dialed at DIALED_AT, with or without the provider's call id saved. */
  async function dialed(providerCallId: string | null): Promise<string> {
    clock.at = DIALED_AT;
    const call = aCall({ accountId: 'acc_late', agentId: 'agt_late' }, DIALED_AT);
    await store.create(call);
    const started = startDial(call, DIALED_AT, `conv_${call.id}`, limits) as StoredCall;
    await store.update({ ...started, providerCallId }, call);
    return call.id;
  }

  it('does not give up on a dial whose provider call id was not saved yet (before: failed/dial_timeout)', async () => {
    const id = await dialed(null);
    outcome = null;
    // Past the ring timeout and two grace periods: the old deadline for a dial.
    clock.at = seconds(30 + 2 * 10 + 5);
    const report = await reconcile(deps);
    expect(report.markedLost).toBe(0);
    expect((await store.getById(id))?.status).toBe('initiating');
    // The report that was on its way arrives, with the provider's call id: nothing was lost.
    expect(
      await applyCallEvent(deps, {
        callId: id,
        attempt: 1,
        event: { kind: 'busy', at: seconds(3) },
        providerCallId: 'CAlate',
      }),
    ).toBe('applied');
    expect(await store.getById(id)).toMatchObject({ status: 'busy', endReason: 'busy' });
  });

  it('does not give up while the provider says the call is still going (before: failed once past the deadline)', async () => {
    const id = await dialed('CAongoing');
    outcome = 'ongoing';
    clock.at = seconds(30 + 2 * 10 + 60);
    const report = await reconcile(deps);
    expect(report).toMatchObject({ markedLost: 0, stillRunning: 1 });
    expect((await store.getById(id))?.status).toBe('initiating');
  });

  it('gives up on a call the provider does not know, and says so when its final report comes after all', async () => {
    const id = await dialed('CAunknown');
    outcome = null;
    clock.at = seconds(30 + 2 * 10 + 5);
    expect((await reconcile(deps)).markedLost).toBe(1);
    const lost = await store.getById(id);
    expect(lost).toMatchObject({ status: 'failed', endReason: 'dial_timeout' });
    // The late final report: the call keeps its outcome, and the caller is told (it logs a warning).
    expect(
      await applyCallEvent(deps, {
        callId: id,
        attempt: 1,
        event: { kind: 'completed', at: seconds(40), durationSeconds: 20 },
      }),
    ).toBe('late');
    expect(await applyCallEvent(deps, { callId: id, attempt: 1, event: { kind: 'ringing', at: seconds(2) } })).toBe(
      'ignored',
    );
    expect(await store.getById(id)).toEqual(lost);
  });
});
