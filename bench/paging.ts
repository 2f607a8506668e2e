/**
 * Paging benchmark: `npm run bench:paging`. Exits 1 if a target is missed.
 *
 * Starts its own in-memory DynamoDB Local (a free port), creates the service table from
 * functions/adapters/dynamodb/table-design.ts, writes one account's 20,000 calls (BENCH_CALLS) and
 * lists them through the list use case with the real adapters, counting what DynamoDB is asked
 * (a middleware on the client: Queries, items read = the Queries' ScannedCount, page-start writes):
 *
 *   1. jumps with no page of the listing served before: to page 100 (the deepest a jump may end,
 *      LIST_LIMITS.maxOffset calls from the top) and to `page=50&pageSize=100` (what every
 *      `page=50` cost before page starts were remembered: skip 4,900 calls);
 *   2. pages 1, 2, … 50 by number, in order: page 50 starts where page 49 ended;
 *   3. pages 1 … 50 by nextCursor (the floor: a cursor hop at any depth).
 *
 * Target (issue 11): sequential paging ≤ 1.2× a cursor walk, for page 50 alone and for the whole
 * walk, in items read and in Queries. The numbers are counts, not times, so a loaded machine
 * changes nothing but the run time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { toCallItem } from '#adapters/dynamodb/call-items';
import { DynamoDbCallRepository } from '#adapters/dynamodb/call-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbPageStarts } from '#adapters/dynamodb/page-starts';
import { CALL_LIST_SHARDS } from '#adapters/dynamodb/table-design';
import { newCall, newCallId } from '#domain/call';
import { systemClock } from '#ports/clock';
import { LIST_LIMITS } from '#schemas/list-calls-query';
import { listCalls, type CallList } from '#use-cases/list-calls';
import { freePort, startDynamoDbLocal } from '../local/emulators.ts';
import { ensureTable } from '../local/tables.ts';
import { writeBenchRows } from './bench-rows.ts';
import { wholeNumberSetting } from './settings.ts';

const PAGE = 50;
const PAGE_SIZE = 100;
/** Enough calls for page PAGE to be full and have one after it. */
const CALLS = wholeNumberSetting('BENCH_CALLS', 20_000, PAGE * PAGE_SIZE + 1);
const TARGET_RATIO = 1.2;
/** The deepest page a jump may reach: it ends LIST_LIMITS.maxOffset calls from the top. */
const DEEPEST_JUMP = LIST_LIMITS.maxOffset / PAGE_SIZE;
const ACCOUNT = 'acc_bench';
const TABLE_NAME = 'bench-paging';

interface Counts {
  queries: number;
  itemsRead: number;
  writes: number;
}

const counts: Counts = { queries: 0, itemsRead: 0, writes: 0 };
const snapshot = (): Counts => ({ ...counts });
const since = (before: Counts): Counts => ({
  queries: counts.queries - before.queries,
  itemsRead: counts.itemsRead - before.itemsRead,
  writes: counts.writes - before.writes,
});

const dynamodb = await startDynamoDbLocal({ port: await freePort() });
try {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const client = new DynamoDBClient({});
  await ensureTable(client, TABLE_NAME);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { ScannedCount?: number };
      if (context.commandName === 'QueryCommand') {
        counts.queries += 1;
        counts.itemsRead += output.ScannedCount ?? 0;
      }
      if (context.commandName === 'PutItemCommand') counts.writes += 1;
      return result;
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const db = createDocumentClient(client);

  process.stdout.write(`Writing ${CALLS.toLocaleString('en')} calls of one account to DynamoDB Local…\n`);
  await writeCalls(db);

  const deps = {
    calls: new DynamoDbCallRepository(db, TABLE_NAME, systemClock),
    pageStarts: new DynamoDbPageStarts(db, TABLE_NAME, systemClock),
  };
  const list = (query: Parameters<typeof listCalls>[2]) => listCalls(deps, ACCOUNT, query);

  // 1. Jumps, with no page of this listing served before: the deepest a jump may end (page × pageSize
  // = LIST_LIMITS.maxOffset), then page 50. Each remembers only the start of the page after it.
  let before = snapshot();
  await list({ page: DEEPEST_JUMP, pageSize: PAGE_SIZE });
  const deepestJump = since(before);
  before = snapshot();
  const jumped = await list({ page: PAGE, pageSize: PAGE_SIZE });
  const jump = since(before);

  // 2. In order by page number (the jumps left starts for pages 51 and 101, never used here).
  const sequentialWalk = snapshot();
  let sequential = { page: null as CallList | null, counts: since(before) };
  for (let page = 1; page <= PAGE; page++) {
    before = snapshot();
    sequential = { page: await list({ page, pageSize: PAGE_SIZE }), counts: since(before) };
  }
  const sequentialTotal = since(sequentialWalk);

  // 3. By cursor.
  const cursorWalk = snapshot();
  let hop = { page: null as CallList | null, counts: since(before) };
  let cursor: string | null = null;
  for (let page = 1; page <= PAGE; page++) {
    before = snapshot();
    hop = { page: await list({ pageSize: PAGE_SIZE, ...(cursor ? { cursor } : {}) }), counts: since(before) };
    cursor = hop.page?.nextCursor ?? null;
  }
  const cursorTotal = since(cursorWalk);

  const ids = (page: CallList | null) => page?.data.map((call) => call.id).join() ?? '';
  const samePages = ids(jumped) === ids(sequential.page) && ids(sequential.page) === ids(hop.page);

  const rows: Array<[string, Counts]> = [
    [`jump to page ${DEEPEST_JUMP} (the deepest a jump may end)`, deepestJump],
    [`jump to page ${PAGE} (no page served before)`, jump],
    [`page ${PAGE} after pages 1–${PAGE - 1} in order`, sequential.counts],
    [`page ${PAGE} by cursor (a cursor hop)`, hop.counts],
    [`pages 1–${PAGE} by number, in order`, sequentialTotal],
    [`pages 1–${PAGE} by cursor`, cursorTotal],
  ];
  const ratios: Array<[string, number]> = [
    [`page ${PAGE} in order ÷ cursor hop, items read`, sequential.counts.itemsRead / hop.counts.itemsRead],
    [`page ${PAGE} in order ÷ cursor hop, Queries`, sequential.counts.queries / hop.counts.queries],
    [`walk by number ÷ walk by cursor, items read`, sequentialTotal.itemsRead / cursorTotal.itemsRead],
    [`walk by number ÷ walk by cursor, Queries`, sequentialTotal.queries / cursorTotal.queries],
  ];

  const out: string[] = [
    '',
    `list page=${PAGE}&pageSize=${PAGE_SIZE} in a ${CALLS.toLocaleString('en')}-call account ` +
      `(${CALL_LIST_SHARDS} list-index shards + the legacy partition)`,
    '',
    `${'what'.padEnd(48)}${'items read'.padStart(12)}${'Queries'.padStart(10)}${'writes'.padStart(9)}`,
    ...rows.map(
      ([what, c]) =>
        `${what.padEnd(48)}${c.itemsRead.toLocaleString('en').padStart(12)}${String(c.queries).padStart(10)}` +
        `${String(c.writes).padStart(9)}`,
    ),
    '',
    `${'ratio'.padEnd(52)}${'value'.padStart(8)}  target ≤ ${TARGET_RATIO}`,
    ...ratios.map(
      ([what, value]) =>
        `${what.padEnd(52)}${value.toFixed(2).padStart(8)}  ${value <= TARGET_RATIO ? 'ok' : '⚠ over target'}`,
    ),
    '',
    `Page ${PAGE} the same calls by jump, in order and by cursor: ${samePages ? 'yes' : 'NO'}`,
    `Before page starts were remembered, page ${PAGE} cost what the jump costs (issue 11: 5,001 items, 6 Queries).`,
    '',
  ];
  process.stdout.write(out.join('\n'));
  const times = (value: number) => `${value.toFixed(2)}×`;
  writeBenchRows([
    {
      what: `page=${PAGE}&pageSize=${PAGE_SIZE} after pages 1–${PAGE - 1}: items read, Queries`,
      before: '5,001 items, 6 Queries (18× the hop)',
      now: `${sequential.counts.itemsRead.toLocaleString('en')} items, ${sequential.counts.queries} Queries (${times(ratios[0]?.[1] ?? Number.NaN)}, ${times(ratios[1]?.[1] ?? Number.NaN)})`,
      target: `≤ ${TARGET_RATIO}× the hop`,
      met:
        (ratios[0]?.[1] ?? Number.NaN) <= TARGET_RATIO && (ratios[1]?.[1] ?? Number.NaN) <= TARGET_RATIO && samePages,
    },
    {
      what: `pages 1–${PAGE} by number vs by cursor: items read, Queries`,
      before: 'n/a (each page re-read every page before it)',
      now: `${times(ratios[2]?.[1] ?? Number.NaN)}, ${times(ratios[3]?.[1] ?? Number.NaN)}`,
      target: `≤ ${TARGET_RATIO}× a cursor walk`,
      met:
        (ratios[2]?.[1] ?? Number.NaN) <= TARGET_RATIO && (ratios[3]?.[1] ?? Number.NaN) <= TARGET_RATIO && samePages,
    },
  ]);
  const missed = ratios.some(([, value]) => !(value <= TARGET_RATIO)) || !samePages;
  process.exitCode = missed ? 1 : 0;
} finally {
  await dynamodb.stop();
}

/** The account's calls, one a second back from now, in BatchWriteItem requests of 25, eight at a time. */
async function writeCalls(db: ReturnType<typeof createDocumentClient>): Promise<void> {
  const start = Date.now() - CALLS * 1000;
  const batches: Array<Record<string, unknown>[]> = [];
  for (let i = 0; i < CALLS; i += 25) {
    batches.push(
      Array.from({ length: Math.min(25, CALLS - i) }, (_, j) => {
        const at = new Date(start + (i + j) * 1000);
        const call = newCall(
          {
            id: newCallId(at),
            accountId: ACCOUNT,
            keyMode: 'test',
            agentId: 'agt_01HXK8Z3MNPQRS',
            fromNumber: '+14155550123',
            toNumber: '+14155550199',
            scheduledFor: null,
            metadata: { customerId: `cust_${i + j}` },
            maxRetries: 0,
            retryDelayMinutes: 15,
            overrideFirstMessage: null,
          },
          at,
        );
        return toCallItem(call);
      }),
    );
  }
  let nextBatch = 0;
  const worker = async () => {
    while (nextBatch < batches.length) {
      let requests = (batches[nextBatch++] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: requests } }));
        requests = (result.UnprocessedItems?.[TABLE_NAME] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
