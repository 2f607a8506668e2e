/**
 * AWS requests per call lifecycle: `npm run bench:requests`. Exits 1 if a figure misses its target.
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
 * Options: BENCH_ONLY=immediate,cancelled runs only those lifecycles (targets of the rest are not checked).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BenchRow, writeBenchRows } from './bench-rows.ts';
import { installRequestCounter, takeRequests, uncounted, type CountedRequest } from './request-counter.ts';

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
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const chosen = SCENARIOS.filter((s) => only.length === 0 || only.includes(s));

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
      return { key: secret, agentId: agent.id };
    });
    const endpoint = await request('POST', '/api/v1/webhooks', subscribed.key, {
      url: receiver.url,
      events: ['OutboundCallStatusChanged', 'SessionStarted', 'SessionEnded'],
    });
    // The endpoint receives the changes made from its activeAt (about a minute from now): wait for it.
    await sleep(Math.max(0, Date.parse(endpoint.activeAt) - Date.now()));
    const accounts = [
      { endpoints: false, key: DEMO.apiKey, agentId: DEMO.agents[0].id },
      { endpoints: true, key: subscribed.key, agentId: subscribed.agentId },
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
    return report(results);
  } finally {
    await receiver.stop();
    await stack.stop();
  }
}

function report(results: Map<string, Counted[]>): number {
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
  lines.push('', `${'what'.padEnd(58)}${'before'.padStart(10)}${'now'.padStart(6)}${'target'.padStart(8)}`);
  let missed = 0;
  const benchRows: BenchRow[] = [];
  for (const target of TARGETS) {
    const requests = results.get(`${target.scenario}/false`);
    if (!requests) continue;
    const now = target.measure(requests);
    const ok = now <= target.target;
    if (!ok) missed += 1;
    lines.push(
      `${target.what.padEnd(58)}${target.before.padStart(10)}${String(now).padStart(6)}${`≤ ${target.target}`.padStart(8)}  ${ok ? 'ok' : '✗ missed'}`,
    );
    benchRows.push({
      what: `AWS requests, ${target.what}`,
      before: target.before,
      now: String(now),
      target: `≤ ${target.target}`,
      met: ok,
    });
  }
  writeBenchRows(benchRows);
  if (process.env.BENCH_VERBOSE)
    for (const [key, requests] of results) {
      lines.push('', key);
      for (const r of requests) lines.push(`  ${r.operation.padEnd(20)} ${r.site}`);
    }
  console.log(lines.join('\n'));
  return missed === 0 ? 0 : 1;
}

function byOperation(requests: CountedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');
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
