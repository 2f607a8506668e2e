/**
 * Create latency against its floor: `npm run bench:latency`. Exits 1 if a ratio misses its target.
 *
 * The floor of a create is the AWS requests it makes, sent directly. For each of BENCH_RUNS
 * (default 40) rounds, one request at a time (concurrency 1), against the local stack (the same
 * handler, middlewares and adapters as in AWS, against DynamoDB Local and moto), three sides are
 * timed, each from a settled stack (settle(): what the side before set off, the dialer and the
 * events function in this process, is done):
 *   1. direct: the AWS requests of the round before's create sent again by the same SDK clients,
 *      one after the other as the create sends them, for a new call id, so each succeeds as the
 *      create's did (withCallId). This is the issue's floor.
 *   2. through the front: the same, sent by a handler behind the same local HTTP front
 *      (local/http-front.ts, API Gateway's stand-in) from the same client, answering with a body
 *      of the create's size: the floor plus the front and the client's HTTP round trip, so that
 *      the create's ratio to it is what the service's own code (authorizer, middlewares, parsing,
 *      the use case, the adapters) adds.
 *   3. create: POST /api/v1/outbound-calls through the HTTP API, timed by the client, with the AWS
 *      requests the create and authorizer functions sent meanwhile captured and timed
 *      (bench/request-counter.ts); they are what the next round's floors send.
 * The client runs in a thread of its own (CLIENT), as a real client runs on a machine of its own.
 * The ratio is the median create time over the median direct time, for an immediate call (to a
 * number the simulator refuses at once, so the dial that follows is short) and for a call
 * scheduled an hour ahead. The authorizer remembers keys as the CDK stack configures it
 * (API_KEY_CACHE_SECONDS); the first round of each kind warms up and is not counted.
 *
 *   create       median (ms)  direct median (ms)   ratio   target
 *   immediate         2595.3              1470.2    1.77    ≤ 1.3  ✗ missed   (Get + Put + SendMessage)
 *   scheduled          623.9               370.3    1.68    ≤ 1.3  ✗ missed   (Get + Put + CreateSchedule)
 *   (30 November 2026, before the floor was made fair: docs/costs.md, "Create latency", has today's)
 *
 * The machine is shared and noisy: compare ratios, not absolute times.
 */
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { type BenchRow, writeBenchRows } from './bench-rows.ts';
import { type CapturedSend, captureSends, installRequestCounter, requestCount, uncounted } from './request-counter.ts';
import { wholeNumberSetting } from './settings.ts';

installRequestCounter();

const { DEMO } = await import('../local/demo-data.ts');
const { freePort } = await import('../local/emulators.ts');
const { startLocalStack } = await import('../local/stack.ts');
const { createHttpFront } = await import('../local/http-front.ts');
const { newCallId } = await import('../functions/domain/call.ts');

const RUNS = wholeNumberSetting('BENCH_RUNS', 40, 1);
const TARGET = 1.3;
/** Issue 11's figures before the work. */
const BEFORE = { immediate: '1.87×', scheduled: '1.48×' };
const CREATE_SITE = /handlers\/(create-call|authorizer)\.ts|use-cases\/create-call\.ts/;
/** Settled: no request from the service's code (the dialer, the events function) for this long. */
const QUIET_MS = 300;
/** Calls written by the last side timed (the create's, or a floor's), whose dial settle() waits for. */
const written: string[] = [];
/** The longest a settle waits before timing the next side anyway. */
const SETTLE_DEADLINE_MS = 15_000;

/**
 * The client, in a thread of its own as a real client is on a machine of its own: its fetch (undici
 * parsing the answer) does not wait in the service's event loop behind the work the create set off
 * in this process (the dialer, the events function), and adds none to it. Times are absolute
 * (timeOrigin + now), comparable across the threads.
 */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
parentPort.on('message', async ({ url, init }) => {
  try {
    const started = now();
    const response = await fetch(url, init);
    const text = await response.text();
    parentPort.postMessage({ status: response.status, text, started, ended: now() });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});`;

interface ClientAnswer {
  status: number;
  text: string;
  /** On this thread's clock (performance.now()). */
  started: number;
  ended: number;
  error?: string;
}

/** One timed side: its whole time and how it splits around the AWS requests (ms). */
interface Timing {
  totalMs: number;
  /** The AWS requests' own time, each from `send` to its answer, summed. */
  awsMs: number;
  /** From the client's fetch to the first request (HTTP front, authorizer, middlewares, parsing). */
  beforeMs: number;
  /** Between one request's answer and the next request (building the call, marshalling). */
  betweenMs: number;
  /** From the last request's answer to the client holding the answer. */
  afterMs: number;
  /** Each request's own time, by operation. */
  requests: Array<[string, number]>;
  /** For a floor: when its first request was sent and its last answered (performance.now(), ms). */
  span?: [number, number];
}

interface Created {
  timing: Timing;
  sends: CapturedSend[];
  callId: string;
  answer: string;
}

async function main(): Promise<number> {
  const stack = await startLocalStack({
    apiPort: 0,
    dynamodb: { port: await freePort() },
    moto: { port: await freePort() },
    tableName: `bench-${Date.now().toString(36)}`,
    apiKey: DEMO.apiKey,
    simulator: { timeScale: 1 },
    environment: { API_KEY_CACHE_SECONDS: '300' },
    reconcileIntervalMs: 3_600_000,
  });
  const client = new Worker(CLIENT, { eval: true });
  const request = (url: string, init: RequestInit) =>
    new Promise<ClientAnswer>((resolve, reject) => {
      client.once('message', (answer: ClientAnswer) => {
        if (answer.error) reject(new Error(`the client failed: ${answer.error}`));
        // On this thread's clock, as the sends' times are.
        else
          resolve({
            ...answer,
            started: answer.started - performance.timeOrigin,
            ended: answer.ended - performance.timeOrigin,
          });
      });
      client.postMessage({ url, init });
    });

  // The floor behind the same front: a route that only sends the create's requests.
  let floorWork: Created | null = null;
  let floorTiming: Timing | null = null;
  const front = createHttpFront({
    routes: [
      {
        method: 'POST',
        path: '/floor',
        handler: 'floor',
        authorized: false,
        invoke: async () => {
          floorTiming = await direct(floorWork as Created);
          return {
            statusCode: 201,
            headers: { location: '/api/v1/outbound-calls/floor', 'content-type': 'application/json' },
            body: (floorWork as Created).answer,
          };
        },
      },
    ],
    defaultRoute: async () => ({ statusCode: 404, body: '' }),
    authorizer: async () => ({ isAuthorized: false, context: {} }),
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const frontUrl = `http://localhost:${(front.address() as AddressInfo).port}/floor`;

  try {
    const kinds = {
      immediate: () => ({ agentId: DEMO.agents[0].id, toNumber: '+15005550105' }),
      scheduled: () => ({
        agentId: DEMO.agents[0].id,
        toNumber: '+15005550100',
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    };
    const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };

    /** One create through the HTTP API, timed by the client, with the requests it sent. */
    const create = async (body: object): Promise<Created> => {
      let answer: ClientAnswer | undefined;
      const sends = await captureSends(CREATE_SITE, async () => {
        answer = await request(`${stack.url}/api/v1/outbound-calls`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
      });
      const { status, text, started, ended } = answer as ClientAnswer;
      if (status !== 201) throw new Error(`create answered ${status}: ${text}`);
      const requests: Timing['requests'] = sends.map((send) => [
        send.operation,
        (send.settledAt ?? ended) - send.sentAt,
      ]);
      let betweenMs = 0;
      sends.forEach((send, i) => {
        const next = sends[i + 1];
        if (next) betweenMs += next.sentAt - (send.settledAt ?? ended);
      });
      const first = sends[0];
      const last = sends.at(-1);
      return {
        callId: remember((JSON.parse(text) as { id: string }).id),
        answer: text,
        sends,
        timing: {
          totalMs: ended - started,
          awsMs: sum(requests.map(([, ms]) => ms)),
          beforeMs: first ? first.sentAt - started : 0,
          betweenMs,
          afterMs: last ? ended - (last.settledAt ?? ended) : 0,
          requests,
        },
      };
    };

    /** The floor behind the front, timed by the client as the create is. */
    const throughFront = async (work: Created): Promise<Timing> => {
      floorWork = work;
      floorTiming = null;
      const { status, text, started, ended } = await request(frontUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({}),
      });
      const timing = floorTiming as Timing | null;
      if (status !== 201 || timing?.span === undefined)
        throw new Error(`the front's floor answered ${status}: ${text}`);
      const [first, last] = timing.span;
      return { ...timing, totalMs: ended - started, beforeMs: first - started, afterMs: ended - last };
    };

    const rows: string[] = [];
    const splits: string[] = [];
    const perRequest: string[] = [];
    const benchRows: BenchRow[] = [];
    let missed = 0;
    for (const [kind, body] of Object.entries(kinds)) {
      const created: Timing[] = [];
      const floor: Timing[] = [];
      const fronted: Timing[] = [];
      const operations = new Set<string>();
      // Warm-up, not counted: the first round of each kind.
      let last = await create(body());
      await settle();
      await direct(last);
      await settle();
      await throughFront(last);
      for (let run = 1; run <= RUNS; run += 1) {
        await settle();
        floor.push(await direct(last));
        await settle();
        fronted.push(await throughFront(last));
        await settle();
        last = await create(body());
        created.push(last.timing);
        operations.add(last.sends.map((s) => s.operation).join(' + '));
      }
      const createMs = median(created.map((t) => t.totalMs));
      const directMs = median(floor.map((t) => t.totalMs));
      const frontMs = median(fronted.map((t) => t.totalMs));
      const ratio = createMs / directMs;
      if (ratio > TARGET) missed += 1;
      benchRows.push({
        what: `create latency, ${kind} (concurrency 1)`,
        before: BEFORE[kind as keyof typeof BEFORE] ?? 'n/a',
        now: `${ratio.toFixed(2)}× (${createMs.toFixed(0)} vs ${directMs.toFixed(0)} ms)`,
        target: `≤ ${TARGET}× direct`,
        met: ratio <= TARGET,
      });
      rows.push(
        `${kind.padEnd(12)}${createMs.toFixed(1).padStart(12)}${directMs.toFixed(1).padStart(20)}${ratio.toFixed(2).padStart(8)}${`≤ ${TARGET}`.padStart(9)}  ${(ratio <= TARGET ? 'ok' : '✗ missed').padEnd(9)}${frontMs.toFixed(1).padStart(10)}${(createMs / frontMs).toFixed(2).padStart(9)}   (${[...operations].join(' | ')})`,
      );
      const of = (timings: Timing[], part: 'awsMs' | 'beforeMs' | 'betweenMs' | 'afterMs') =>
        median(timings.map((t) => t[part])).toFixed(1);
      splits.push(
        `${kind.padEnd(12)}${of(created, 'awsMs').padStart(10)}${of(floor, 'awsMs').padStart(10)}${of(created, 'beforeMs').padStart(12)}${of(created, 'betweenMs').padStart(11)}${of(created, 'afterMs').padStart(10)}`,
        `${'  front'.padEnd(12)}${of(fronted, 'awsMs').padStart(10)}${''.padStart(10)}${of(fronted, 'beforeMs').padStart(12)}${of(fronted, 'betweenMs').padStart(11)}${of(fronted, 'afterMs').padStart(10)}`,
      );
      const byOperation = (timings: Timing[], index: number) =>
        median(timings.map((t) => t.requests[index]?.[1] ?? 0)).toFixed(1);
      perRequest.push(
        `${kind.padEnd(12)}${(created[0]?.requests ?? [])
          .map(([operation], i) => `${operation} ${byOperation(created, i)} / ${byOperation(floor, i)}`)
          .join(',  ')}`,
      );
    }
    console.log(
      [
        `Create latency vs the same AWS requests sent directly (concurrency 1, ${RUNS} runs, medians)`,
        '',
        `${'create'.padEnd(12)}${'median (ms)'.padStart(12)}${'direct median (ms)'.padStart(20)}${'ratio'.padStart(8)}${'target'.padStart(9)}  ${''.padEnd(9)}${'front (ms)'.padStart(10)}${'× front'.padStart(9)}`,
        ...rows,
        '',
        '"front": the same requests sent by a handler behind the same local HTTP front, from the same',
        "client: the create's ratio to it is what the service's own code adds.",
        '',
        "Where a create's time goes (medians, ms): its AWS requests as it sent them and as the direct floor",
        'sent them; the rest: before the first request (client to the HTTP front, authorizer, middlewares,',
        'parsing), between requests (building and marshalling), after the last (the answer). The "front"',
        "line is the floor behind the front: the same split without the service's own code.",
        '',
        `${'create'.padEnd(12)}${'AWS'.padStart(10)}${'AWS floor'.padStart(10)}${'before'.padStart(12)}${'between'.padStart(11)}${'after'.padStart(10)}`,
        ...splits,
        '',
        'Each request (medians, ms: as the create sent it / as the direct floor sent it):',
        ...perRequest,
        '',
        'Before (issue 11, measured on main): 1.87× immediate, 1.48× scheduled.',
      ].join('\n'),
    );
    writeBenchRows(benchRows);
    return missed === 0 ? 0 : 1;
  } finally {
    await client.terminate();
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    await stack.stop();
  }
}

/**
 * The floor: a create's requests sent again directly, by the same clients, one after the other
 * as the create sends them (each needs the one before: the agent, then the write, then the
 * dispatch of what was written), for a new call id, so that each succeeds as the create's did: a
 * refused repeat is a cheaper round trip (a cancelled transaction writes no item and no stream
 * record, so the events function has nothing to do; a taken schedule name creates nothing). Not
 * `uncounted`: each send pays the request counter's attribution as the create's sends do.
 */
async function direct({ sends, callId }: Created): Promise<Timing> {
  const freshId = remember(newCallId(new Date()));
  // Built before the clock starts: the create builds its commands as part of its own work.
  const commands = sends.map((send) => ({ ...send, command: withCallId(send.command, callId, freshId) }));
  const requests: Timing['requests'] = [];
  let lastSettledAt = 0;
  const started = performance.now();
  for (const { client, command, operation } of commands) {
    const sent = performance.now();
    try {
      await client.send(command);
    } catch (error) {
      throw new Error(
        `the floor's ${operation} failed (${(error as Error).name}); it must succeed as the create's did`,
      );
    }
    lastSettledAt = performance.now();
    requests.push([operation, lastSettledAt - sent]);
  }
  const totalMs = lastSettledAt - started;
  const awsMs = sum(requests.map(([, ms]) => ms));
  return {
    totalMs,
    awsMs,
    beforeMs: 0,
    betweenMs: totalMs - awsMs,
    afterMs: 0,
    requests,
    span: [started, lastSettledAt],
  };
}

/** `command` built again with every `from` in its input's strings replaced by `to` (a new call's id). */
function withCallId(command: unknown, from: string, to: string): unknown {
  const { constructor: Command, input } = command as { constructor: new (input: unknown) => unknown; input: unknown };
  return new Command(replaced(input, from, to));
}

function replaced(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.replaceAll(from, to);
  if (Array.isArray(value)) return value.map((item) => replaced(item, from, to));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaced(item, from, to)]));
  }
  return value;
}

/** Notes a call a side wrote, for settle(); returns its id. */
function remember(callId: string): string {
  written.push(callId);
  return callId;
}

/**
 * Waits, at most SETTLE_DEADLINE_MS, until what the side before set off is done, so that it is not
 * timed with the next side: each call it wrote is dialed and finished (an immediate one; a
 * scheduled one is not due within the bench), and then the service's own code (the dialer, the
 * events function, all in this process) has sent no AWS request for QUIET_MS. The dialer may hold
 * a call a while (its pacing), so quiet alone is not enough.
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  const { calls } = await import('../functions/handlers/composition/table.ts');
  const { isTerminal } = await import('../functions/domain/call-status-machine.ts');
  const pending = written.splice(0);
  while (pending.length > 0 && Date.now() < deadline) {
    const call = await uncounted(() => calls.getById(pending[0] as string));
    if (call === null || call.status === 'scheduled' || isTerminal(call.status)) {
      pending.shift();
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let seen = requestCount('service');
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = requestCount('service');
    if (now !== seen) {
      seen = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) return;
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

process.exitCode = await main();
