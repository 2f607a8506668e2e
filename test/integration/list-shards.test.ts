import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { toCallItem } from '#adapters/dynamodb/call-items';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbPageStarts } from '#adapters/dynamodb/page-starts';
import { CALL_LIST_SHARDS, callListShard, callListValues } from '#adapters/dynamodb/table-design';
import { newCallId } from '#domain/call';
import { systemClock } from '#ports/clock';
import type { StoredCall } from '#schemas/call';
import type { ListCallsQuery } from '#schemas/list-calls-query';
import { listCalls } from '#use-cases/list-calls';
import { ensureTable } from '../../local/tables.ts';
import { aCall } from '../support/calls.ts';

const ACCOUNT = 'acc_shards';
const AGENTS = ['agt_shard_a', 'agt_shard_b'] as const;

/**
 * An account's calls spread over every list-index shard, plus calls stored before sharding (the
 * bare partition values, as the table holds them from older versions), listed through the list
 * use case against DynamoDB Local: every listing must be complete and newest first, by page
 * number, by cursor and by a jump, whatever the filters.
 */
describe('lists across list-index shards', () => {
  let db: DynamoDBDocumentClient;
  let table: string;
  let store: DynamoDbCallRepository;
  let deps: Parameters<typeof listCalls>[0];
  const calls: StoredCall[] = [];

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    const tableName = `shards-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    db = createDocumentClient(client);
    table = tableName;
    store = new DynamoDbCallRepository(db, tableName, systemClock);
    deps = { calls: store, pageStarts: new DynamoDbPageStarts(db, tableName, systemClock) };

    // 90 calls over three days, alternating agents, every third one cancelled; several share a
    // second. Nine in each shard: random ids leave that to chance (about 1 fixture in 2,000 missed
    // a shard), so each id is drawn until it falls in the shard wanted.
    for (let i = 0; i < 90; i++) {
      const at = new Date(Date.UTC(2025, 5, 1 + (i % 3), 9, Math.floor(i / 2), 0));
      let id = newCallId(at);
      while (callListShard(id) !== i % CALL_LIST_SHARDS) id = newCallId(at);
      const call = aCall({ id, accountId: ACCOUNT, agentId: AGENTS[i % 2] as string }, at);
      const stored = i % 3 === 0 ? { ...call, status: 'cancelled' as const } : call;
      await store.create(stored);
      calls.push(stored);
    }
    // 12 calls as an older version stored them: the bare partition values, in no shard.
    for (let i = 0; i < 12; i++) {
      const at = new Date(Date.UTC(2025, 5, 1 + (i % 3), 10, i, 30));
      const call = aCall({ accountId: ACCOUNT, agentId: AGENTS[i % 2] as string }, at);
      await db.send(new PutCommand({ TableName: tableName, Item: { ...toCallItem(call), ...callListValues(call) } }));
      calls.push(call);
    }
    // Another account's calls never show.
    await store.create(aCall({ accountId: 'acc_neighbour', agentId: AGENTS[0] }, new Date(Date.UTC(2025, 5, 2))));
  });

  const newestFirst = (keep: (call: StoredCall) => boolean) =>
    calls
      .filter(keep)
      .map((call) => `${call.createdAt}#${call.id}`)
      .sort()
      .reverse()
      .map((key) => key.split('#')[1]);

  const FILTERS: Array<[string, Omit<ListCallsQuery, 'page' | 'pageSize' | 'cursor'>, (call: StoredCall) => boolean]> =
    [
      ['no filter', {}, () => true],
      ['an agent', { agentId: AGENTS[0] }, (call) => call.agentId === AGENTS[0]],
      ['a status', { status: 'cancelled' }, (call) => call.status === 'cancelled'],
      [
        'an agent and a status',
        { agentId: AGENTS[1], status: 'queued' },
        (call) => call.agentId === AGENTS[1] && call.status === 'queued',
      ],
      [
        'a date range',
        { dateFrom: '2025-06-02', dateTo: '2025-06-02' },
        (call) => call.createdAt.startsWith('2025-06-02'),
      ],
      [
        'a status from a date-time',
        { status: 'queued', dateFrom: '2025-06-01T09:20:00Z' },
        (call) => call.status === 'queued' && call.createdAt >= '2025-06-01T09:20:00Z',
      ],
    ];

  it('stores the calls in every shard, and keeps the older ones in the bare partitions', async () => {
    const { Items = [] } = await db.send(new ScanCommand({ TableName: table }));
    const partitions = new Map(
      Items.filter((item) => item.accountKey?.startsWith(`ACCOUNT#${ACCOUNT}`)).map((item) => [
        item.id,
        item.accountKey,
      ]),
    );
    expect(partitions.size).toBe(calls.length);
    for (const [i, call] of calls.entries())
      expect(partitions.get(call.id), call.id).toBe(
        i < 90 ? `ACCOUNT#${ACCOUNT}#${i % CALL_LIST_SHARDS}` : `ACCOUNT#${ACCOUNT}`,
      );
  });

  it.each(FILTERS)('lists every call with %s, in order, by page number and by cursor', async (_name, filters, keep) => {
    const expected = newestFirst(keep);
    expect(expected.length).toBeGreaterThan(3);

    const byNumber: string[] = [];
    for (let page = 1; ; page++) {
      const result = await listCalls(deps, ACCOUNT, { ...filters, page, pageSize: 7 });
      expect(result.page).toBe(page);
      byNumber.push(...result.data.map((call) => call.id));
      if (!result.hasMore) break;
    }
    expect(byNumber).toEqual(expected);

    const byCursor: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await listCalls(deps, ACCOUNT, { ...filters, pageSize: 6, ...(cursor ? { cursor } : {}) });
      byCursor.push(...result.data.map((call) => call.id));
      cursor = result.nextCursor ?? undefined;
    } while (cursor);
    expect(byCursor).toEqual(expected);
  });

  it('a page by number is the same slice whether jumped to or reached in order', async () => {
    const expected = newestFirst(() => true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), async (pageSize, page) => {
        const result = await listCalls(deps, ACCOUNT, { page, pageSize });
        const slice = expected.slice((page - 1) * pageSize, page * pageSize);
        expect(result.data.map((call) => call.id)).toEqual(slice);
        expect(result.hasMore).toBe(expected.length > page * pageSize);
      }),
      { numRuns: 25 },
    );
  });

  it('a call stored before sharding moves to its shard at its next write, and is listed once', async () => {
    const legacy = calls[95] as StoredCall;
    const cancelled = await store.update({ ...legacy, status: 'cancelled' }, legacy);
    calls[95] = cancelled;
    const all = await listCalls(deps, ACCOUNT, { pageSize: 100, page: 1 });
    const rest = await listCalls(deps, ACCOUNT, { pageSize: 100, page: 2 });
    const listed = [...all.data, ...rest.data].map((call) => call.id);
    expect(listed).toEqual(newestFirst(() => true));
    const cancelledOnes = await listCalls(deps, ACCOUNT, { status: 'cancelled', pageSize: 100 });
    expect(cancelledOnes.data.map((call) => call.id)).toEqual(newestFirst((call) => call.status === 'cancelled'));
  });
});
