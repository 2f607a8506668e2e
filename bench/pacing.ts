/**
 * Pacing benchmark: `npm run bench:pacing` (a measurement; exits 1 if a target is missed).
 *
 * 60 calls are due at one instant and the provider allows 1 call/s. Six simulated dialer Lambdas
 * take batches of up to ten messages from an in-memory queue that honours delays as SQS does
 * (whole seconds), and run the real dial use case on the real DynamoDB adapters against DynamoDB
 * Local: the call repository, the slot counters and the calls-per-second limiter. The provider is
 * a fake that records when each request starts. The floor is the limit itself: 60 calls need 60
 * seconds at 1 call/s.
 *
 *   achieved rate        calls / seconds from the due instant to the end of the last dial's second,
 *                        as a fraction of the limit (target ≥ 0.98)
 *   failed writes/call   ConditionalCheckFailed and TransactionCanceled answers per call (≤ 0.1)
 *   most in one second   most provider requests started in one UTC second, and most calls stamped
 *                        `initiatedAt` in one second (≤ the limit)
 *
 * Before this change (fixed windows raced with one conditional write each): 0.86 calls/s, 8.9
 * failed writes per call, the last call dialed 69 s after the instant.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { DynamoDbCallRateLimiter } from '../functions/adapters/dynamodb/call-rate-limiter.ts';
import { DynamoDbCallRepository } from '../functions/adapters/dynamodb/call-repository.ts';
import { createDocumentClient } from '../functions/adapters/dynamodb/client.ts';
import { DynamoDbDirectory } from '../functions/adapters/dynamodb/directory-store.ts';
import { DynamoDbSlotCounters } from '../functions/adapters/dynamodb/slot-counters.ts';
import { newCall, newCallId } from '../functions/domain/call.ts';
import { systemClock } from '../functions/ports/clock.ts';
import { noMetrics } from '../functions/ports/metrics.ts';
import type { DialMessage } from '../functions/schemas/dial-message.ts';
import { dialCall, type DialDeps } from '../functions/use-cases/dial-call.ts';
import { dialMessageFor } from '../functions/use-cases/dispatch-call.ts';
import { createAccount } from '../functions/use-cases/manage-directory.ts';
import { freePort, startDynamoDbLocal } from '../local/emulators.ts';
import { ensureTable } from '../local/tables.ts';
import { writeBenchRows } from './bench-rows.ts';
import { wholeNumberSetting } from './settings.ts';

const CALLS = wholeNumberSetting('BENCH_PACING_CALLS', 60, 1);
const CALLS_PER_SECOND = 1;
const DIALERS = 6;
const BATCH_SIZE = 10;
const TARGETS = { rate: 0.98, failedWritesPerCall: 0.1 };
const BEFORE = { rate: '0.86', failedWritesPerCall: '8.9', lastDialLateSeconds: '69' };

const dynamodb = await startDynamoDbLocal({ port: await freePort() });
try {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const client = new DynamoDBClient({});
  const tableName = `bench-pacing-${ulid().toLowerCase()}`;
  await ensureTable(client, tableName);
  let failedWrites = 0;
  const db = createDocumentClient(client);
  db.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') failedWrites++;
        throw error;
      }
    },
    { step: 'initialize', name: 'countFailedWrites' },
  );
  const directory = new DynamoDbDirectory(db, tableName);
  await createAccount({ directory, clock: systemClock }, { id: 'acc_bench', name: 'Bench', concurrentCallLimit: 1000 });

  const calls = new DynamoDbCallRepository(db, tableName, systemClock);
  const queue: Array<{ message: DialMessage; visibleAt: number }> = [];
  const requestsStarted: number[] = [];
  const provider = {
    placeCall: async () => {
      requestsStarted.push(Date.now());
      return { placed: true as const, providerCallId: `CA${ulid()}` };
    },
    fetchOutcome: async () => null,
  };
  const deps: DialDeps = {
    calls,
    slotCounters: new DynamoDbSlotCounters(db, tableName),
    metrics: noMetrics,
    queue: {
      send: async (message, delaySeconds) => void queue.push({ message, visibleAt: Date.now() + delaySeconds * 1000 }),
    },
    scheduler: { schedule: async () => undefined, cancel: async () => undefined },
    clock: systemClock,
    limits: {
      ringTimeoutSeconds: 30,
      maxCallDurationSeconds: 600,
      retryDelayUnitSeconds: 60,
      watchdogGraceSeconds: 120,
    },
    providers: { live: provider, test: provider },
    rateLimiter: new DynamoDbCallRateLimiter(db, tableName, CALLS_PER_SECOND),
    newConversationId: () => `conv_${ulid()}`,
    newWaitToken: () => ulid(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };

  const ids: string[] = [];
  const dueAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
  for (let i = 0; i < CALLS; i++) {
    const call = newCall(
      {
        id: newCallId(dueAt),
        accountId: 'acc_bench',
        keyMode: 'live',
        agentId: 'agt_bench',
        fromNumber: '+14155550123',
        toNumber: '+14155550199',
        scheduledFor: null,
        metadata: {},
        maxRetries: 0,
        retryDelayMinutes: 15,
        overrideFirstMessage: null,
      },
      dueAt,
    );
    await calls.create(call);
    ids.push(call.id);
    queue.push({ message: dialMessageFor(call), visibleAt: dueAt.getTime() });
  }
  failedWrites = 0;

  // Six dialers poll the queue as the SQS event source would, each a batch of ten at a time.
  const dialer = async () => {
    while (requestsStarted.length < CALLS) {
      const now = Date.now();
      const batch: DialMessage[] = [];
      for (let i = 0; i < queue.length && batch.length < BATCH_SIZE; ) {
        const entry = queue[i] as (typeof queue)[number];
        if (entry.visibleAt <= now) {
          batch.push(entry.message);
          queue.splice(i, 1);
        } else i++;
      }
      if (batch.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      await Promise.all(
        batch.map(async (message) => {
          const outcome = await dialCall(deps, message);
          if (outcome.result === 'later') await deps.queue.send(outcome.message, outcome.delaySeconds);
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: DIALERS }, dialer));

  const stamped = await Promise.all(ids.map(async (id) => Date.parse((await calls.getById(id))?.initiatedAt ?? '')));
  const mostInOneSecond = (times: number[]) => {
    const counts = new Map<number, number>();
    for (const time of times) counts.set(Math.floor(time / 1000), (counts.get(Math.floor(time / 1000)) ?? 0) + 1);
    return Math.max(...counts.values());
  };
  const lastDial = Math.max(...requestsStarted);
  const seconds = Math.floor(lastDial / 1000) + 1 - dueAt.getTime() / 1000;
  const rate = CALLS / seconds / CALLS_PER_SECOND;
  const perCall = failedWrites / CALLS;
  const rows = [
    ['achieved rate (× the limit)', BEFORE.rate, rate.toFixed(2), `≥ ${TARGETS.rate}`, rate >= TARGETS.rate],
    [
      'failed writes per call',
      BEFORE.failedWritesPerCall,
      perCall.toFixed(2),
      `≤ ${TARGETS.failedWritesPerCall}`,
      perCall <= TARGETS.failedWritesPerCall,
    ],
    [
      'last dial after the instant (s)',
      BEFORE.lastDialLateSeconds,
      ((lastDial - dueAt.getTime()) / 1000).toFixed(1),
      `≈ ${CALLS / CALLS_PER_SECOND - 1}`,
      true,
    ],
    [
      'most requests started in one second',
      'n/a',
      String(mostInOneSecond(requestsStarted)),
      `≤ ${CALLS_PER_SECOND}`,
      mostInOneSecond(requestsStarted) <= CALLS_PER_SECOND,
    ],
    [
      'most calls stamped in one second',
      'n/a',
      String(mostInOneSecond(stamped)),
      `≤ ${CALLS_PER_SECOND}`,
      mostInOneSecond(stamped) <= CALLS_PER_SECOND,
    ],
  ] as const;
  console.log(
    `${CALLS} calls due at one instant, ${CALLS_PER_SECOND} call/s, ${DIALERS} dialers × batches of ${BATCH_SIZE}\n`,
  );
  console.log(`${'what'.padEnd(38)}${'before'.padStart(8)}${'now'.padStart(8)}${'target'.padStart(10)}`);
  for (const [what, before, now, target, met] of rows)
    console.log(
      `${what.padEnd(38)}${before.padStart(8)}${now.padStart(8)}${target.padStart(10)}  ${met ? 'ok' : '✗ missed'}`,
    );
  writeBenchRows(
    rows.map(([what, before, now, target, met]) => ({
      what: `${CALLS} calls at ${CALLS_PER_SECOND} call/s: ${what}`,
      before,
      now,
      target,
      met,
    })),
  );
  if (rows.some((row) => !row[4])) process.exitCode = 1;
} finally {
  await dynamodb.stop();
}
