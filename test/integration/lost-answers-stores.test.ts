import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCallRateLimiter } from '#adapters/dynamodb/call-rate-limiter';
import { DynamoDbCampaignStore } from '#adapters/dynamodb/campaign-store';
import type { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbSlotCounters } from '#adapters/dynamodb/slot-counters';
import { DynamoDbSuppressionStore } from '#adapters/dynamodb/suppression-store';
import { keys } from '#adapters/dynamodb/table-design';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { EventBridgeCallScheduler, scheduleName } from '#adapters/scheduler/call-scheduler';
import { ConcurrentModificationError } from '#domain/errors';
import { systemClock } from '#ports/clock';
import type { StoredCampaign } from '#schemas/campaign';
import { aStoredCampaign as aCampaign } from '../support/campaigns.ts';
import type { StoredWebhookEndpoint } from '#schemas/webhooks';
import { completeIfFinished } from '#use-cases/campaign-counts';
import { localClientConfig, lossyTable, startLossyProxy, type ProxiedRequest } from '../support/lossy-proxy.ts';

/**
 * The network can lose the answer to a write that DynamoDB applied; the AWS SDK then sends the
 * write again. Each conditional write of the stores other than the call repository's
 * (lost-answers.test.ts) must come out as it would have without the loss: applied once and
 * answered as applied. The real adapters run against DynamoDB Local through a proxy that loses
 * chosen answers; each test also shows the answer was really lost.
 */
describe('a store write whose answer the network lost', () => {
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let db: ReturnType<typeof createDocumentClient>;
  let tableName: string;
  let webhooks: DynamoDbWebhookStore;
  let suppressions: DynamoDbSuppressionStore;
  let campaigns: DynamoDbCampaignStore;
  let slotCounters: DynamoDbSlotCounters;
  let accountId: string;

  beforeAll(async () => {
    ({ proxy, db, tableName, accountId } = await lossyTable(inject('dynamodbEndpoint'), 'lost-stores'));
    webhooks = new DynamoDbWebhookStore(db, tableName);
    suppressions = new DynamoDbSuppressionStore(db, tableName);
    campaigns = new DynamoDbCampaignStore(db, tableName, systemClock);
    slotCounters = new DynamoDbSlotCounters(db, tableName);
  });
  afterAll(async () => {
    await proxy.stop();
  });

  /** Loses the answer to the next `operation` whose body holds every one of `names`; returns how many were lost since. */
  const loseNext = (operation: string, ...names: string[]) => {
    const before = proxy.lost();
    proxy.loseAnswers(
      (request: ProxiedRequest) =>
        request.target.endsWith(`.${operation}`) && names.every((name) => request.body.includes(name)),
    );
    return () => proxy.lost() - before;
  };

  const anEndpoint = (): StoredWebhookEndpoint => {
    const now = new Date().toISOString();
    return {
      id: `whk_${ulid()}`,
      accountId,
      url: 'https://hooks.example.com/calls',
      events: ['SessionEnded'],
      description: null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      activeAt: now,
      updatedAt: now,
      secrets: [{ secret: `whsec_${randomUUID()}`, createdAt: now, expiresAt: null }],
      revision: 0,
    };
  };

  /** A number no other test of this file uses (E.164; the account is this run's own). */
  let numbers = 0;
  const aNumber = () => `+1415555${String(100 + ++numbers).padStart(4, '0')}`;

  describe('webhook endpoints', () => {
    it('creates an endpoint once and answers created, not a failed condition (a PutItem sent twice)', async () => {
      const endpoint = anEndpoint();
      const lost = loseNext('PutItem', endpoint.id);
      await expect(webhooks.createEndpoint(endpoint)).resolves.toBeUndefined();
      expect(lost()).toBe(1);
      expect(await webhooks.getEndpoint(accountId, endpoint.id)).toEqual(endpoint);
    });

    it('saves an edit once and returns it, not a conflict (a revision-checked PutItem sent twice)', async () => {
      const endpoint = anEndpoint();
      await webhooks.createEndpoint(endpoint);
      const lost = loseNext('PutItem', endpoint.id);
      const saved = await webhooks.saveEndpoint({ ...endpoint, url: 'https://hooks.example.com/v2' });
      expect(lost()).toBe(1);
      expect(saved).toEqual({ ...endpoint, url: 'https://hooks.example.com/v2', revision: 1 });
      expect(await webhooks.getEndpoint(accountId, endpoint.id)).toEqual(saved);
    });

    it('still refuses an edit of a revision already replaced when its answer was lost', async () => {
      const endpoint = anEndpoint();
      await webhooks.createEndpoint(endpoint);
      const first = await webhooks.saveEndpoint({ ...endpoint, description: 'first' });
      const lost = loseNext('PutItem', endpoint.id);
      await expect(webhooks.saveEndpoint({ ...endpoint, description: 'stale' })).rejects.toBeInstanceOf(
        ConcurrentModificationError,
      );
      expect(lost()).toBe(1);
      expect(await webhooks.getEndpoint(accountId, endpoint.id)).toEqual(first);
    });

    it.each(['DeleteItem', 'UpdateItem'])(
      'deletes an endpoint and answers that it was there, not "not found" (its %s sent twice)',
      async (operation) => {
        const endpoint = anEndpoint();
        await webhooks.createEndpoint(endpoint);
        const lost = loseNext(operation, endpoint.id);
        await expect(webhooks.deleteEndpoint(accountId, endpoint.id)).resolves.toBe(true);
        expect(lost()).toBe(1);
        expect(await webhooks.getEndpoint(accountId, endpoint.id)).toBeNull();
        await expect(webhooks.deleteEndpoint(accountId, endpoint.id)).resolves.toBe(false);
      },
    );
  });

  describe('suppressions', () => {
    it('adds a number once and answers created, not "already there" (a PutItem sent twice)', async () => {
      const number = aNumber();
      const entry = { phoneNumber: number, reason: 'asked', createdAt: new Date().toISOString() };
      const lost = loseNext('PutItem', accountId, number);
      await expect(suppressions.add(accountId, entry)).resolves.toEqual({ suppression: entry, created: true });
      expect(lost()).toBe(1);
      expect(await suppressions.suppressedAmong(accountId, [number])).toEqual(new Set([number]));
    });

    it('still answers a number already on the list as not created when its answer was lost', async () => {
      const number = aNumber();
      const entry = { phoneNumber: number, reason: 'first', createdAt: new Date().toISOString() };
      await suppressions.add(accountId, entry);
      const lost = loseNext('PutItem', accountId, number);
      await expect(suppressions.add(accountId, { ...entry, reason: 'again' })).resolves.toEqual({
        suppression: entry,
        created: false,
      });
      expect(lost()).toBe(1);
    });

    it.each(['DeleteItem', 'UpdateItem'])(
      'removes a number and answers that it was there, not "not found" (its %s sent twice)',
      async (operation) => {
        const number = aNumber();
        await suppressions.add(accountId, { phoneNumber: number, reason: null, createdAt: new Date().toISOString() });
        const lost = loseNext(operation, accountId, number);
        await expect(suppressions.remove(accountId, number)).resolves.toBe(true);
        expect(lost()).toBe(1);
        expect(await suppressions.suppressedAmong(accountId, [number])).toEqual(new Set());
        await expect(suppressions.remove(accountId, number)).resolves.toBe(false);
      },
    );

    it('does not remove a number suppressed again between a removal and the repeat of its delete', async () => {
      const number = aNumber();
      await suppressions.add(accountId, { phoneNumber: number, reason: null, createdAt: new Date().toISOString() });
      const before = proxy.lost();
      // The delete lands, its answer is lost, and the person asks not to be called again before
      // the SDK sends the delete again.
      proxy.loseAnswers(
        (request: ProxiedRequest) =>
          request.target.endsWith('.DeleteItem') && request.body.includes(accountId) && request.body.includes(number),
        1,
        async () => {
          await suppressions.add(accountId, {
            phoneNumber: number,
            reason: 'asked again',
            createdAt: new Date().toISOString(),
          });
        },
      );
      await expect(suppressions.remove(accountId, number)).resolves.toBe(true);
      expect(proxy.lost() - before).toBe(1);
      expect(await suppressions.suppressedAmong(accountId, [number])).toEqual(new Set([number]));
    });
  });

  describe('campaigns', () => {
    it('completes a finished campaign once and returns it, so its completion is announced (an UpdateItem sent twice)', async () => {
      const campaign = await aStoredCampaign({ total: 1, completed: 1 });
      const lost = loseNext('UpdateItem', campaign.id);
      const completed = await completeIfFinished({ campaigns, clock: systemClock }, accountId, campaign.id);
      expect(lost()).toBe(1);
      expect(completed).toMatchObject({ status: 'completed', version: campaign.version + 1 });
      expect(await campaigns.get(accountId, campaign.id)).toEqual(completed);
    });

    it('changes a status once and returns the campaign written, not a conflict (an UpdateItem sent twice)', async () => {
      const campaign = await aStoredCampaign({ total: 2 });
      const at = new Date().toISOString();
      const lost = loseNext('UpdateItem', campaign.id);
      const paused = await campaigns.setStatus(campaign, 'paused', at, { statusChange: true });
      expect(lost()).toBe(1);
      expect(paused).toMatchObject({ status: 'paused', version: 1, statusVersion: 1, updatedAt: at });
      expect(await campaigns.get(accountId, campaign.id)).toEqual(paused);
    });

    async function aStoredCampaign(counts: { total: number; completed?: number }): Promise<StoredCampaign> {
      const campaign = aCampaign({ accountId, name: 'Lost answers', counts });
      await campaigns.create(campaign, [], '2000-01-01T00:00:00Z');
      return (await campaigns.get(accountId, campaign.id)) as StoredCampaign;
    }
  });

  describe('slot counters', () => {
    it('repairs a counter once and says it did, not that the counter moved (an UpdateItem sent twice)', async () => {
      const lost = loseNext('UpdateItem', accountId);
      await expect(slotCounters.repair(accountId, 0, 2)).resolves.toBe(true);
      expect(lost()).toBe(1);
      const account = await db.send(new GetCommand({ TableName: tableName, Key: keys.account(accountId) }));
      expect(account.Item?.activeCalls).toBe(2);
      await expect(slotCounters.repair(accountId, 2, 0)).resolves.toBe(true);
    });
  });

  describe('calls-per-second limiter', () => {
    it('keeps the first place of an idle limiter rather than queueing behind it (its catch-up UpdateItem sent twice)', async () => {
      const now = new Date('2031-05-01T10:00:00.400Z');
      // Time stands still for the limiter: the place depends on `now` alone.
      const limiter = new DynamoDbCallRateLimiter(db, tableName, 1, { now: () => now });
      const lost = loseNext('UpdateItem', 'CALLRATE#live#');
      const place = await limiter.reserve('live', now);
      expect(lost()).toBe(1);
      expect(place).toEqual({ sendAt: new Date('2031-05-01T10:00:00Z'), sendBy: new Date('2031-05-01T10:00:01Z') });
      // The next caller queues right behind it: nothing was taken twice.
      await expect(limiter.reserve('live', now)).resolves.toEqual({
        sendAt: new Date('2031-05-01T10:00:01Z'),
        sendBy: new Date('2031-05-01T10:00:02Z'),
      });
    });

    it('takes one place in a queue, not two (its take UpdateItem sent twice)', async () => {
      const now = new Date('2031-05-01T11:00:00.400Z');
      const limiter = new DynamoDbCallRateLimiter(db, tableName, 1, { now: () => now });
      await limiter.reserve('test', now);
      const lost = loseNext('UpdateItem', 'CALLRATE#test#', 'nextPlace + :one');
      await expect(limiter.reserve('test', now)).resolves.toEqual({
        sendAt: new Date('2031-05-01T11:00:01Z'),
        sendBy: new Date('2031-05-01T11:00:02Z'),
      });
      expect(lost()).toBe(1);
      // No place went unused: the next caller gets the very next second.
      await expect(limiter.reserve('test', now)).resolves.toEqual({
        sendAt: new Date('2031-05-01T11:00:02Z'),
        sendBy: new Date('2031-05-01T11:00:03Z'),
      });
    });
  });
});

/**
 * The call scheduler's writes were already safe under a lost answer (a repeated CreateSchedule's
 * ConflictException, UpdateSchedule replacing the whole schedule, a repeated DeleteSchedule's
 * ResourceNotFoundException): these keep them so, against moto through the same proxy.
 */
describe('a call schedule write whose answer the network lost', () => {
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
  let client: SchedulerClient;
  let scheduler: EventBridgeCallScheduler;
  let groupName: string;

  beforeAll(async () => {
    proxy = await startLossyProxy(inject('motoEndpoint'));
    client = new SchedulerClient(localClientConfig(proxy.endpoint));
    groupName = `lost-${randomUUID().slice(0, 8)}`;
    await client.send(new CreateScheduleGroupCommand({ Name: groupName }));
    // Made-up ARNs: the schedules are never fired here.
    scheduler = new EventBridgeCallScheduler(client, {
      groupName,
      queueArn: 'arn:aws:sqs:us-east-1:123456789012:dial',
      roleArn: 'arn:aws:iam::123456789012:role/scheduler',
      deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:dial-dlq',
    });
  });
  afterAll(async () => {
    await proxy.stop();
  });

  const aMessage = () => ({
    callId: `call_${ulid()}`,
    accountId: 'acc_lost',
    attempt: 1,
    dueAt: '2031-05-01T10:00:00Z',
    waits: 0,
  });

  /** Loses the answer to the next `method` on this call's schedule; returns how many were lost since. */
  const loseNext = (method: string, callId: string) => {
    const before = proxy.lost();
    proxy.loseAnswers(
      (request: ProxiedRequest) =>
        request.method === method && request.path.startsWith(`/schedules/${scheduleName(callId, 1)}`),
    );
    return () => proxy.lost() - before;
  };
  const expressionOf = async (callId: string) =>
    (await client.send(new GetScheduleCommand({ Name: scheduleName(callId, 1), GroupName: groupName })))
      .ScheduleExpression;

  it('schedules a call once and answers done (a CreateSchedule sent twice)', async () => {
    const message = aMessage();
    const lost = loseNext('POST', message.callId);
    await expect(scheduler.schedule(message, new Date('2031-05-01T10:00:00Z'))).resolves.toBeUndefined();
    expect(lost()).toBe(1);
    expect(await expressionOf(message.callId)).toBe('at(2031-05-01T10:00:00)');
  });

  it('moves a schedule and answers done (an UpdateSchedule sent twice)', async () => {
    const message = aMessage();
    await scheduler.schedule(message, new Date('2031-05-01T10:00:00Z'));
    const lost = loseNext('PUT', message.callId);
    await expect(scheduler.reschedule(message, new Date('2031-05-01T11:30:00Z'))).resolves.toBeUndefined();
    expect(lost()).toBe(1);
    expect(await expressionOf(message.callId)).toBe('at(2031-05-01T11:30:00)');
  });

  it('cancels a schedule and answers done (a DeleteSchedule sent twice)', async () => {
    const message = aMessage();
    await scheduler.schedule(message, new Date('2031-05-01T10:00:00Z'));
    const lost = loseNext('DELETE', message.callId);
    await expect(scheduler.cancel(message.callId, 1)).resolves.toBeUndefined();
    expect(lost()).toBe(1);
    await expect(expressionOf(message.callId)).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
