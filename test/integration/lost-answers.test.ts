import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import type { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { keys } from '#adapters/dynamodb/table-design';
import { cancelCall } from '#domain/call';
import { startDial } from '#domain/call-lifecycle';
import { ConcurrentModificationError } from '#domain/errors';
import { systemClock } from '#ports/clock';
import { createAccount } from '#use-cases/manage-directory';
import { aCall } from '../support/calls.ts';
import { LIMITS } from '../support/fakes/call-world.ts';
import { lossyTable, type startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';

/**
 * The network can lose the answer to a write that DynamoDB applied; the AWS SDK then sends the
 * write again. Each conditional write of a call must come out as it would have without the loss:
 * applied once and reported as applied, never as a conflict, a 5xx or a second effect. The real
 * repository runs against DynamoDB Local through a proxy that loses chosen answers.
 */
describe('a call write whose answer the network lost', () => {
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let repository: DynamoDbCallRepository;
  let slotCounters: DynamoDbSlotCounters;
  let accountId: string;
  let db: ReturnType<typeof createDocumentClient>;
  let tableName: string;

  beforeAll(async () => {
    ({ proxy, db, tableName, accountId } = await lossyTable(inject('dynamodbEndpoint'), 'lost-answers'));
    repository = new DynamoDbCallRepository(db, tableName, systemClock);
    slotCounters = new DynamoDbSlotCounters(db, tableName);
  });
  afterAll(async () => {
    await proxy.stop();
  });

  /** Loses the answer to the next `operation` whose body names this call. */
  const loseNext = (operation: string, callId: string) => {
    const before = proxy.lost();
    proxy.loseAnswers(
      (request: ProxiedRequest) => request.target.endsWith(`.${operation}`) && request.body.includes(callId),
    );
    return () => proxy.lost() - before;
  };

  it('stores a scheduled call with its Idempotency-Key record once and answers created (a transaction sent twice)', async () => {
    const call = aCall({ accountId, scheduledFor: new Date(Date.now() + 3_600_000) });
    const record = { accountId, key: `key-${call.id}`, requestHash: 'h1', callId: call.id, response: { id: call.id } };
    const lost = loseNext('TransactWriteItems', call.id);
    await expect(repository.create(call, record)).resolves.toEqual({ created: true });
    expect(lost()).toBe(1);
    expect(await repository.getById(call.id)).toEqual(call);
  });

  it('stores an immediate call once (a TransactWriteItems with its suppression check sent twice)', async () => {
    const call = aCall({ accountId });
    const lost = loseNext('TransactWriteItems', call.id);
    await expect(repository.create(call)).resolves.toEqual({ created: true });
    expect(lost()).toBe(1);
    expect(await repository.getById(call.id)).toEqual(call);
  });

  it('applies a status change once and returns it, not a conflict (a versioned PutItem sent twice)', async () => {
    const call = aCall({ accountId, scheduledFor: new Date(Date.now() + 3_600_000) });
    await repository.create(call);
    const lost = loseNext('PutItem', call.id);
    const written = await repository.update(cancelCall(call, new Date()), call);
    expect(lost()).toBe(1);
    expect(written).toMatchObject({ status: 'cancelled', version: call.version + 1 });
    expect(await repository.getById(call.id)).toEqual(written);
  });

  it('takes a telephony slot once with the gate (a transaction sent twice)', async () => {
    const call = aCall({ accountId });
    await repository.create(call);
    const activeBefore = await activeCalls();
    const lost = loseNext('TransactWriteItems', call.id);
    const dialing = await repository.update(startDial(call, new Date(), 'conv_lost', LIMITS) ?? call, call);
    expect(lost()).toBe(1);
    expect(dialing.status).toBe('initiating');
    expect(await activeCalls()).toBe(activeBefore + 1);
  });

  it('takes over a slot wait once and says so (an UpdateItem sent twice)', async () => {
    const call = aCall({ accountId });
    await repository.create(call);
    await repository.touchWatchdog(call, new Date().toISOString(), 'token-1');
    const lost = loseNext('UpdateItem', call.id);
    await expect(repository.takeOverWait(call, 'token-1', 'token-2')).resolves.toBe(true);
    expect(lost()).toBe(1);
    // The wait is now token-2's: token-1 cannot take it again.
    await expect(repository.takeOverWait(call, 'token-1', 'token-3')).resolves.toBe(false);
  });

  it('still reports a real conflict as one when its answer was lost', async () => {
    const call = aCall({ accountId, scheduledFor: new Date(Date.now() + 3_600_000) });
    await repository.create(call);
    const cancelled = await repository.update(cancelCall(call, new Date()), call);
    const lost = loseNext('PutItem', call.id);
    await expect(repository.update(cancelCall(call, new Date()), call)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(lost()).toBe(1);
    expect(await repository.getById(call.id)).toEqual(cancelled);
  });

  it('never applies a write twice, even when its condition holds again by the time the repeat arrives', async () => {
    // A repair of the slot counter from 0 to 2 lands; before the SDK's repeat of it arrives, two
    // calls give their slots back (2 -> 0), so the repeat's condition (activeCalls = 0) holds again.
    const account = `acc_aba_${randomUUID().slice(0, 8)}`;
    await createAccount(
      { directory: new DynamoDbDirectory(db, tableName), clock: systemClock },
      { id: account, name: account, concurrentCallLimit: 5 },
    );
    const before = proxy.lost();
    proxy.loseAnswers(
      (request: ProxiedRequest) => request.target.endsWith('.UpdateItem') && request.body.includes(':expected'),
      1,
      async () =>
        void (await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.account(account),
            UpdateExpression: 'ADD activeCalls :released',
            ExpressionAttributeValues: { ':released': -2 },
          }),
        )),
    );
    await expect(slotCounters.repair(account, 0, 2)).resolves.toBe(true);
    expect(proxy.lost() - before).toBe(1);
    // The repair, then the two releases: 0. A repair applied a second time would leave 2.
    const item = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.account(account), ConsistentRead: true }),
    );
    expect(item.Item?.activeCalls).toBe(0);
  });

  async function activeCalls(): Promise<number> {
    const counters = await slotCounters.listAll();
    return counters.find((counter) => counter.accountId === accountId)?.activeCalls ?? 0;
  }
});
