/**
 * AWS requests per call lifecycle: `npm run bench:requests`. Exits 1 if a lone call's figure misses
 * its target (the busy rows are shown against the same targets, for comparison, without changing
 * the exit code; `npm run bench` marks them met or MISSED like any row).
 *
 * Runs the local stack (the same handlers and AWS adapters as in AWS) against DynamoDB Local and
 * moto, with the carrier simulator at realistic timing (time scale 1), and counts every request
 * the real SDK clients send (bench/request-counter.ts: a middleware after the SDK's retries, so
 * nothing is estimated). Requests of the local stand-ins for AWS's own machinery (the SQS and
 * stream pollers that play Lambda's event source mappings, the runner that plays EventBridge
 * Scheduler) are background polling and left out; so are the bench's own reads.
 *
 * Lifecycles, one at a time, each for an account without webhook endpoints and for one with an
 * endpoint subscribed to every event type:
 *   immediate   created without scheduledFor, answered, the agent ends it (`completed`)
 *   scheduled   scheduledFor 125 s ahead (through a one-time schedule), then as immediate
 *   retry       no answer, one retry (maxRetries 1) that is not answered either (`no_answer`)
 *   cancelled   scheduled an hour ahead, then cancelled
 * Each counts from the create request until the call is final and no request has been sent for
 * three seconds (events produced and delivered). First one lifecycle per account warms up what
 * every Lambda instance does once (the authorizer's key cache, the events function's endpoint
 * cache): the figures are the steady state of a busy account. The events function remembers that
 * an account has no endpoint as the CDK stack configures it (WEBHOOK_ENDPOINT_CACHE_SECONDS 60),
 * so such an account costs one endpoint lookup a minute at most, wherever it falls. The authorizer runs with
 * API_KEY_CACHE_SECONDS as the CDK stack sets it; in AWS, API Gateway's authorizer result cache
 * saves even more of its lookups.
 *
 * Then the same lifecycles in a busy account ("N at once, per call"): N calls (BENCH_BUSY_CALLS,
 * default 20) created at once, all counted from the first create until all N are final and
 * nothing has been sent for three seconds, divided by N:
 *   busy-immediate   N immediate calls (both accounts)
 *   busy-scheduled   N calls scheduled for the same instant 125 s ahead (no endpoints only: it
 *                    takes over two minutes)
 *   busy-cancelled   N calls scheduled an hour ahead, each cancelled as soon as it is created
 *                    (both accounts)
 * A lone call's events are one stream batch per status change, so one `PutEvents` each; calls
 * running together share stream batches, and a batch's events go out ten to a `PutEvents`.
 *
 * The busy account is kept within its limits, so the figures say what such an account pays rather
 * than what waiting costs: before the busy lifecycles both accounts' concurrent-call limit is
 * raised to N (the default, 10, would make half of 20 calls wait for a slot), and the stack runs
 * with the provider at BENCH_BUSY_CPS calls per second (PROVIDER_CALLS_PER_SECOND; default 10).
 * At 10 calls/s, 20 calls created at once all get a place in the calls-per-second queue within
 * the three seconds the dialer waits in-process; at the stack's default of 1 call/s the 20th call's
 * place would be 20 s away, so most calls would be put back on the dial queue to hold their place
 * (a watchdog write, a re-queue and a second read each): an account creating calls faster than its
 * provider may dial them. A lone call costs the same at any rate (one place, taken in one write),
 * so the lone rows do not depend on it. Calls that do wait are counted and printed with what the
 * waiting cost (`BENCH_BUSY_CPS=1 BENCH_BUSY_LIMIT=10` shows it). The local stream poller plays
 * Lambda's DynamoDB stream source over one shard (DynamoDB Local) and reads again as soon as this
 * process writes to the table, so a batch holds what was written while the last one was read and
 * handled; Lambda polls on its own schedule and a busy table's stream has several shards, each
 * batched on its own, so batches in AWS may be larger or smaller than these.
 *
 * Options: BENCH_ONLY=immediate,cancelled runs only those lifecycles (targets of the rest are not
 * checked); BENCH_ONLY=busy-immediate,busy-cancelled only those busy ones. BENCH_BUSY_CALLS=N,
 * BENCH_BUSY_CPS=calls per second as above, BENCH_BUSY_LIMIT=the accounts' concurrent-call limit
 * for the busy lifecycles (default N, at least 10; below N, calls wait for slots).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BenchRow, writeBenchRows } from './bench-rows.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  captureSends,
  installRequestCounter,
  requestCount,
  takeRequests,
  uncounted,
  type CountedRequest,
} from './request-counter.ts';
import { wholeNumberSetting } from './settings.ts';

installRequestCounter();

const { createDocumentClient } = await import('#adapters/dynamodb/client');
const { DynamoDbDirectory } = await import('#adapters/dynamodb/directory-store');
const { DynamoDbCallRepository } = await import('#adapters/dynamodb/call-repository');
const { systemClock } = await import('#ports/clock');
const { addNumber, createAccount, createAgent, issueApiKey } = await import('#use-cases/manage-directory');
const { isTerminal } = await import('#domain/call-status-machine');
const { DEMO } = await import('../local/demo-data.ts');
const { freePort } = await import('../local/emulators.ts');
const { startLocalStack } = await import('../local/stack.ts');

type Scenario = 'immediate' | 'scheduled' | 'retry' | 'cancelled';
const SCENARIOS: Scenario[] = ['immediate', 'scheduled', 'retry', 'cancelled'];
type BusyScenario = 'busy-immediate' | 'busy-scheduled' | 'busy-cancelled';
/** Each busy lifecycle and whether it runs for the account with an endpoint too. */
const BUSY_SCENARIOS: Array<{ scenario: BusyScenario; withEndpoint: boolean }> = [
  { scenario: 'busy-immediate', withEndpoint: true },
  { scenario: 'busy-scheduled', withEndpoint: false },
  { scenario: 'busy-cancelled', withEndpoint: true },
];
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const chosen = SCENARIOS.filter((s) => only.length === 0 || only.includes(s));
const chosenBusy = BUSY_SCENARIOS.filter((s) => only.length === 0 || only.includes(s.scenario));
/** Calls created at once in a busy lifecycle. */
const BUSY_CALLS = wholeNumberSetting('BENCH_BUSY_CALLS', 20, 1);
/** The provider's calls per second for the whole run (PROVIDER_CALLS_PER_SECOND; see above). */
const BUSY_CPS = wholeNumberSetting('BENCH_BUSY_CPS', 10, 1);
/** Both accounts' concurrent-call limit for the busy lifecycles (see above). */
const BUSY_LIMIT = wholeNumberSetting('BENCH_BUSY_LIMIT', Math.max(10, BUSY_CALLS), 1);

/** The issue's figures (issue 11, measured on main before this work) and its targets. */
const TARGETS: Array<{
  scenario: Scenario;
  what: string;
  before: string;
  target: number;
  measure: (r: CountedRequest[]) => number;
}> = [
  {
    scenario: 'immediate',
    what: 'immediate call that completes, no endpoints',
    before: '47',
    target: 15,
    measure: (r) => r.length,
  },
  {
    scenario: 'scheduled',
    what: 'scheduled call that completes, no endpoints',
    before: '52',
    target: 18,
    measure: (r) => r.length,
  },
  {
    scenario: 'cancelled',
    what: 'scheduled call cancelled, no endpoints',
    before: '15',
    target: 6,
    measure: (r) => r.length,
  },
  {
    scenario: 'immediate',
    what: 'of the immediate call: event work beyond the bus publish',
    before: '17 of 47',
    target: 0,
    measure: (r) => r.filter((q) => q.part === 'events' && q.operation !== 'PutEvents').length,
  },
];

type Counted = CountedRequest;

/** The issue's targets of the lone lifecycles, shown beside the busy per-call figures for comparison. */
const BUSY_COMPARED: Partial<Record<BusyScenario, { what: string; target: number }>> = {
  'busy-immediate': { what: 'immediate call that completes, no endpoints', target: 15 },
  'busy-scheduled': { what: 'scheduled call that completes, no endpoints', target: 18 },
  'busy-cancelled': { what: 'scheduled call cancelled, no endpoints', target: 6 },
};

/** A busy lifecycle's requests, and what the calls' waiting (for a slot, or a place) cost of them. */
interface BusyResult {
  requests: Counted[];
  calls: number;
  /** Calls that waited for a concurrent-call slot at least once (their slotWaitToken is set). */
  callsThatWaitedForASlot: number;
  /** Times a call joined the account's waiting list (waitForSlot). */
  slotWaits: number;
  /** Times a call was put back on the dial queue to hold its calls-per-second place (holdPlace). */
  placeHolds: number;
  /**
   * Requests spent on waiting, at least: its writes, the re-queued messages, the wake-ups, the extra
   * dial reads (a release refused by a waiting call's mark writes its transaction again: not in it).
   */
  waitingRequests: number;
  /** `PutEvents` requests and the entries they carried. */
  putEvents: { requests: number; entries: number };
}

async function main() {
  // 1. The stack, on emulators of its own; the seeded demo account has no webhook endpoints.
  const stack = await startLocalStack({
    apiPort: 0,
    dynamodb: { port: await freePort() },
    moto: { port: await freePort() },
    tableName: `bench-${randomUUID().slice(0, 8)}`,
    apiKey: DEMO.apiKey,
    simulator: { timeScale: 1 },
    environment: {
      RING_TIMEOUT_SECONDS: '4',
      RETRY_DELAY_UNIT_SECONDS: '1',
      API_KEY_CACHE_SECONDS: '300',
      // As the CDK stack sets it (infra/constructs/customer-webhooks.ts, ENDPOINT_CACHE).
      WEBHOOK_ENDPOINT_CACHE_SECONDS: '60',
      // The busy lifecycles' pace (see the docstring); a lone call costs the same at any rate.
      PROVIDER_CALLS_PER_SECOND: String(BUSY_CPS),
    },
    reconcileIntervalMs: 3_600_000,
  });
  const receiver = await startReceiver();
  try {
    const db = createDocumentClient();
    const calls = new DynamoDbCallRepository(db, stack.tableName, systemClock);
    const request = async (method: string, path: string, key: string, body?: unknown) => {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };

    // 2. A second account, with one endpoint subscribed to every event type.
    const subscribed = await uncounted(async () => {
      const deps = { directory: new DynamoDbDirectory(db, stack.tableName), clock: systemClock };
      const account = await createAccount(deps, { name: 'Bench account with a webhook endpoint' });
      const { secret } = await issueApiKey(deps, { accountId: account.id, mode: 'test' });
      const agent = await createAgent(deps, { accountId: account.id, name: 'Bench agent', defaultFirstMessage: 'Hi.' });
      await addNumber(deps, { accountId: account.id, number: '+12025550188', agentId: agent.id });
      return { key: secret, agentId: agent.id, accountId: account.id };
    });
    const endpoint = await request('POST', '/api/v1/webhooks', subscribed.key, {
      url: receiver.url,
      events: ['OutboundCallStatusChanged', 'SessionStarted', 'SessionEnded'],
    });
    // The endpoint receives the changes made from its activeAt (about a minute from now): wait for it.
    await sleep(Math.max(0, Date.parse(endpoint.activeAt) - Date.now()));
    const accounts = [
      { endpoints: false, key: DEMO.apiKey, agentId: DEMO.agents[0].id, accountId: DEMO.accountId },
      { endpoints: true, key: subscribed.key, agentId: subscribed.agentId, accountId: subscribed.accountId },
    ];

    // 3. One lifecycle: create (and cancel), wait for the end, settle, take the counts.
    const run = async (scenario: Scenario, account: (typeof accounts)[number]): Promise<Counted[]> => {
      takeRequests();
      const body: Record<string, unknown> = {
        agentId: account.agentId,
        toNumber: scenario === 'retry' ? '+15005550102' : '+15005550100',
      };
      if (scenario === 'scheduled') body.scheduledFor = new Date(Date.now() + 125_000).toISOString();
      if (scenario === 'cancelled') body.scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
      if (scenario === 'retry') Object.assign(body, { maxRetries: 1, retryDelayMinutes: 1 });
      const created = await request('POST', '/api/v1/outbound-calls', account.key, body);
      if (scenario === 'cancelled') await request('POST', `/api/v1/outbound-calls/${created.id}/cancel`, account.key);
      const deadline = Date.now() + 300_000;
      for (;;) {
        const call = await uncounted(() => calls.getById(created.id));
        if (call && isTerminal(call.status)) break;
        if (Date.now() > deadline) throw new Error(`call ${created.id} did not end (${call?.status})`);
        if (process.env.BENCH_VERBOSE) process.stderr.write(`  ${created.id}: ${call?.status}\n`);
        await sleep(250);
      }
      // Settled: events produced and delivered, nothing sent for three seconds.
      const taken: Counted[] = [];
      let quietSince = Date.now();
      while (Date.now() - quietSince < 3000) {
        await sleep(250);
        const more = takeRequests().filter((r) => r.source === 'service');
        if (more.length > 0) quietSince = Date.now();
        if (process.env.BENCH_VERBOSE) process.stderr.write(`  settling: ${more.map((r) => r.operation).join(' ')}\n`);
        taken.push(...(more as Counted[]));
      }
      return taken;
    };

    // 4. Warm up each account once, then measure.
    for (const account of accounts) await run('immediate', account);
    const results = new Map<string, Counted[]>();
    for (const scenario of chosen) {
      for (const account of accounts) {
        process.stderr.write(`${scenario}, ${account.endpoints ? 'one endpoint' : 'no endpoints'}…\n`);
        results.set(`${scenario}/${account.endpoints}`, await run(scenario, account));
      }
    }

    // 5. The busy account: N calls at once, within the account's limits (raised to N).
    const runBusy = async (scenario: BusyScenario, account: (typeof accounts)[number]): Promise<BusyResult> => {
      takeRequests();
      const body: Record<string, unknown> = { agentId: account.agentId, toNumber: '+15005550100' };
      if (scenario === 'busy-scheduled') body.scheduledFor = new Date(Date.now() + 125_000).toISOString();
      if (scenario === 'busy-cancelled') body.scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
      const ids: string[] = [];
      const sends = await captureSends(/event-bus\.ts/, async () => {
        await Promise.all(
          Array.from({ length: BUSY_CALLS }, async () => {
            const created = await request('POST', '/api/v1/outbound-calls', account.key, body);
            ids.push(created.id);
            if (scenario === 'busy-cancelled')
              await request('POST', `/api/v1/outbound-calls/${created.id}/cancel`, account.key);
          }),
        );
        const deadline = Date.now() + 600_000;
        let open = [...ids];
        while (open.length > 0) {
          const read = await uncounted(() => Promise.all(open.map((id) => calls.getById(id))));
          open = open.filter((_, i) => {
            const call = read[i];
            return !(call && isTerminal(call.status));
          });
          if (open.length > 0 && Date.now() > deadline) throw new Error(`${open.length} busy calls did not end`);
          if (process.env.BENCH_VERBOSE) process.stderr.write(`  busy: ${open.length} of ${ids.length} open\n`);
          await sleep(500);
        }
        // Settled as a lone call is (step 3): nothing sent for three seconds.
        let quietSince = Date.now();
        let seen = 0;
        while (Date.now() - quietSince < 3000) {
          await sleep(250);
          const now = requestCount('service');
          if (now > seen) quietSince = Date.now();
          seen = now;
        }
      });
      const requests = takeRequests().filter((r) => r.source === 'service');
      const stored = await uncounted(() => Promise.all(ids.map((id) => calls.getById(id))));
      const dialHandlings = scenario === 'busy-cancelled' ? 0 : ids.length;
      const dialReads = requests.filter((r) => r.operation === 'BatchGetItem' && /getForDial/.test(r.site)).length;
      const atWaitingSites = requests.filter((r) => WAITING_SITE.test(r.site)).length;
      const slotWaits = requests.filter((r) => r.operation === 'PutItem' && /addWaiter/.test(r.site)).length;
      const placeHolds = requests.filter((r) => r.operation === 'UpdateItem' && /holdPlace/.test(r.site)).length;
      const putEvents = sends.filter((send) => send.operation === 'PutEvents');
      return {
        requests,
        calls: ids.length,
        callsThatWaitedForASlot: stored.filter((call) => call?.slotWaitToken).length,
        slotWaits,
        placeHolds,
        // Each wait puts the dial message back once (a SendMessage of the dialer's, which also
        // re-queues a scheduled call that fired early: not counted here) and is read again.
        waitingRequests: atWaitingSites + slotWaits + placeHolds + Math.max(0, dialReads - dialHandlings),
        putEvents: {
          requests: putEvents.length,
          entries: putEvents.reduce(
            (sum, send) => sum + ((send.command as { input?: { Entries?: unknown[] } }).input?.Entries?.length ?? 0),
            0,
          ),
        },
      };
    };
    const busy = new Map<string, BusyResult>();
    if (chosenBusy.length > 0) {
      await uncounted(() =>
        Promise.all(
          accounts.map((account) =>
            db.send(
              new UpdateCommand({
                TableName: stack.tableName,
                Key: { pk: `ACCOUNT#${account.accountId}`, sk: 'ACCOUNT' },
                UpdateExpression: 'SET concurrentCallLimit = :limit',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':limit': BUSY_LIMIT },
              }),
            ),
          ),
        ),
      );
    }
    for (const { scenario, withEndpoint } of chosenBusy) {
      for (const account of accounts) {
        if (account.endpoints && !withEndpoint) continue;
        process.stderr.write(
          `${scenario}, ${BUSY_CALLS} at once, ${account.endpoints ? 'one endpoint' : 'no endpoints'}…\n`,
        );
        busy.set(`${scenario}/${account.endpoints}`, await runBusy(scenario, account));
      }
    }
    return report(results, busy);
  } finally {
    await receiver.stop();
    await stack.stop();
  }
}

/** The project frames of waiting for a slot or a place, and of waking a waiting call. */
const WAITING_SITE = /waitForSlot|holdPlace|wakeSlotWaiter|addWaiter|markWaiting/;

function report(results: Map<string, Counted[]>, busy: Map<string, BusyResult>): number {
  const lines: string[] = [];
  lines.push('AWS requests per call lifecycle (background polling left out)', '');
  lines.push(
    `${'lifecycle'.padEnd(12)}${'endpoints'.padEnd(11)}${'total'.padStart(6)}${'call'.padStart(6)}${'events'.padStart(8)}${'delivery'.padStart(10)}   by operation`,
  );
  for (const [key, requests] of results) {
    const [scenario, endpoints] = key.split('/');
    const part = (p: Counted['part']) => requests.filter((r) => r.part === p).length;
    lines.push(
      `${(scenario ?? '').padEnd(12)}${(endpoints === 'true' ? 'one' : 'none').padEnd(11)}${String(requests.length).padStart(6)}${String(part('call')).padStart(6)}${String(part('events')).padStart(8)}${String(part('delivery')).padStart(10)}   ${byOperation(requests)}`,
    );
  }
  if (busy.size > 0) {
    lines.push(
      '',
      `${BUSY_CALLS} at once, per call (all requests from the first create until all are final, ÷ ${BUSY_CALLS}; ${BUSY_CPS} calls/s, concurrent-call limit ${BUSY_LIMIT})`,
      '',
      `${'lifecycle'.padEnd(16)}${'endpoints'.padEnd(11)}${'total'.padStart(7)}${'call'.padStart(7)}${'events'.padStart(8)}${'delivery'.padStart(10)}   by operation`,
    );
    for (const [key, result] of busy) {
      const [scenario, endpoints] = key.split('/');
      const { requests, calls } = result;
      const part = (p: Counted['part']) => perCall(requests.filter((r) => r.part === p).length, calls);
      lines.push(
        `${(scenario ?? '').padEnd(16)}${(endpoints === 'true' ? 'one' : 'none').padEnd(11)}${perCall(requests.length, calls).padStart(7)}${part('call').padStart(7)}${part('events').padStart(8)}${part('delivery').padStart(10)}   ${byOperation(requests, calls)}`,
      );
    }
    lines.push('');
    for (const [key, result] of busy) {
      const [scenario, endpoints] = key.split('/');
      const { putEvents } = result;
      lines.push(
        `${`${scenario}, ${endpoints === 'true' ? 'one endpoint' : 'no endpoints'}:`.padEnd(34)}${result.calls} calls; PutEvents ${putEvents.requests} carrying ${putEvents.entries} entries (${putEvents.requests === 0 ? '–' : (putEvents.entries / putEvents.requests).toFixed(1)} a request); ${result.callsThatWaitedForASlot} calls waited for a slot (${result.slotWaits} waits), ${result.placeHolds} place holds; waiting cost at least ${result.waitingRequests} requests (${perCall(result.waitingRequests, result.calls)} a call)`,
      );
    }
  }
  // As wide as the busy rows' names need (58 for the lone rows alone, as before).
  const whatWidth = busy.size > 0 ? 74 : 58;
  lines.push('', `${'what'.padEnd(whatWidth)}${'before'.padStart(10)}${'now'.padStart(6)}${'target'.padStart(8)}`);
  let missed = 0;
  const benchRows: BenchRow[] = [];
  for (const target of TARGETS) {
    const requests = results.get(`${target.scenario}/false`);
    if (!requests) continue;
    const now = target.measure(requests);
    const ok = now <= target.target;
    if (!ok) missed += 1;
    lines.push(
      `${target.what.padEnd(whatWidth)}${target.before.padStart(10)}${String(now).padStart(6)}${`≤ ${target.target}`.padStart(8)}  ${ok ? 'ok' : '✗ missed'}`,
    );
    benchRows.push({
      what: `AWS requests, ${target.what}`,
      before: target.before,
      now: String(now),
      target: `≤ ${target.target}`,
      met: ok,
    });
  }
  for (const [key, result] of busy) {
    const [scenario, endpoints] = key.split('/') as [BusyScenario, string];
    const compared = BUSY_COMPARED[scenario];
    if (!compared || endpoints !== 'false') continue;
    const now = perCall(result.requests.length, result.calls);
    const what = `${BUSY_CALLS} at once, per call: ${compared.what}`;
    const ok = result.requests.length / result.calls <= compared.target;
    lines.push(
      `${what.padEnd(whatWidth)}${'–'.padStart(10)}${now.padStart(6)}${`≤ ${compared.target}`.padStart(8)}  ${ok ? 'ok' : '✗ above'} (the lone call's target, for comparison)`,
    );
    benchRows.push({
      what: `AWS requests, ${what}`,
      before: '–',
      now,
      target: `≤ ${compared.target} (lone call's)`,
      met: ok,
    });
  }
  writeBenchRows(benchRows);
  if (process.env.BENCH_VERBOSE)
    for (const [key, requests] of [...results, ...[...busy].map(([k, b]) => [`${k} (busy)`, b.requests] as const)]) {
      lines.push('', key);
      for (const r of requests) lines.push(`  ${r.operation.padEnd(20)} ${r.site}`);
    }
  console.log(lines.join('\n'));
  return missed === 0 ? 0 : 1;
}

/** Requests by operation, most first; divided by `calls` (one decimal) when it is given. */
function byOperation(requests: CountedRequest[], calls?: number): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([operation, n]) => `${operation} ${calls === undefined ? n : perCall(n, calls)}`)
    .join(', ');
}

/** `count` requests over `calls` calls, per call with one decimal. */
function perCall(count: number, calls: number): string {
  return (count / calls).toFixed(1);
}

/** The customer's endpoint: answers 200 to every delivery. */
async function startReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/hooks`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.exitCode = await main();
