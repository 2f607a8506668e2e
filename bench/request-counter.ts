/**
 * Counts the AWS requests this process sends, by the real SDK clients: every client's `send` (all
 * of them share the one Smithy `Client` class) gets a middleware in its `finalizeRequest` step,
 * after the retry middleware, so each HTTP request that leaves for AWS (or an emulator) is one
 * count, retries included. Nothing is estimated.
 *
 * Each request is attributed to who sent it, from the synchronous stack at `send` (the code that
 * called the client, before any await):
 *   - `service`: code under functions/ (handlers, use cases, adapters): what the service pays for;
 *   - `background`: code under local/ (the pollers, the schedule runner and the local stack's own
 *     setup): what Lambda's event source mappings and EventBridge Scheduler do in AWS;
 *   - `bench`: anything run inside `uncounted()` (the benchmark's own reads and setup).
 * Only `service` requests are a call's cost; `background` is counted too, so the bench can show
 * what it left out.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@smithy/core/client';

export type RequestSource = 'service' | 'background' | 'bench';

/** One request: the client's service (DynamoDB, SQS, …), its operation (GetItem, …) and who sent it. */
export interface CountedRequest {
  service: string;
  operation: string;
  source: RequestSource;
  /** What the request was for: producing webhook events, delivering them, or the call itself. */
  part: 'call' | 'events' | 'delivery';
  /** The project's frames that led to it, innermost first, at most eight (for BENCH_VERBOSE). */
  site: string;
}

interface Caller {
  source: RequestSource;
  part: CountedRequest['part'];
  site: string;
}

const sources = new AsyncLocalStorage<Caller>();
const BENCH: Caller = { source: 'bench', part: 'call', site: '' };
let requests: CountedRequest[] = [];
/** Sends of the service's code being captured (captureSends), with the client that sent each. */
let capturing: { filter: RegExp; sends: CapturedSend[] } | null = null;

/** A request as the service's code sent it: the client and the command, to send again directly. */
export interface CapturedSend {
  client: { send: (command: unknown) => Promise<unknown> };
  command: unknown;
  operation: string;
  /** When `send` was called and when its promise settled (performance.now(), ms); settledAt is undefined until then. */
  sentAt: number;
  settledAt?: number;
}
const instrumented = new WeakSet<object>();

const REPO_FILE = /\/(functions|local|bench|test|tools)\/[^:)]+\.ts/;

/** Who called `send`: the innermost frame of the project's own code decides. */
function callerOf(): Caller {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const part: Caller['part'] = /produce-events|events-stream/.test(stack)
    ? 'events'
    : /deliver-event|webhook-delivery/.test(stack)
      ? 'delivery'
      : 'call';
  const site = stack
    .split('\n')
    .filter((line) => REPO_FILE.test(line) && !line.includes('request-counter'))
    .slice(0, 8)
    .map((line) =>
      line
        .trim()
        .replace(/^at (async )?/, '')
        .replace(/\(?file:\/\/\S*\/(?=\w+\.ts)/, '')
        .replace(/:\d+\)?$/, ''),
    )
    .join(' < ');
  for (const line of stack.split('\n').slice(2)) {
    if (line.includes('node_modules') || line.includes('request-counter')) continue;
    const dir = REPO_FILE.exec(line)?.[1];
    if (dir === 'functions') return { source: 'service', part, site };
    if (dir === 'local') return { source: 'background', part, site };
    if (dir) return BENCH;
  }
  return BENCH;
}

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

type Send = (this: Client<never, never, never, never>, ...args: unknown[]) => unknown;
/** The SDK's own `send`, and which evaluation of this module replaced it. */
type CountingSend = Send & { original?: Send; installedBy?: object };
/** This evaluation of the module: a test file that shares its worker evaluates it afresh. */
const THIS_MODULE = {};

/**
 * Starts counting (idempotent). Call it before the first request you want counted; clients made
 * before or after are all counted, from their next `send`. The SDK's `send` is replaced once per
 * evaluation of this module: a later evaluation (the next test file in a shared worker process)
 * replaces the earlier one's, so that its own counts and captures are the ones kept.
 */
export function installRequestCounter(): void {
  const prototype = Client.prototype as unknown as { send: CountingSend };
  if (prototype.send.installedBy === THIS_MODULE) return;
  const original = prototype.send.original ?? prototype.send;
  const send: CountingSend = function (this, ...args) {
    const stack = this.middlewareStack as unknown as {
      add: (middleware: unknown, options: Record<string, unknown>) => void;
    };
    if (!instrumented.has(stack)) {
      instrumented.add(stack);
      stack.add(
        (next: (args: unknown) => Promise<unknown>, context: MiddlewareContext) => async (input: unknown) => {
          const caller = sources.getStore() ?? BENCH;
          requests.push({
            service: (context.clientName ?? 'unknown').replace(/Client$/, ''),
            operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
            ...caller,
          });
          return next(input);
        },
        { step: 'finalizeRequest', priority: 'low', name: 'benchRequestCounter' },
      );
    }
    const caller = sources.getStore() === BENCH ? BENCH : callerOf();
    let captured: CapturedSend | undefined;
    if (capturing && caller.source === 'service' && capturing.filter.test(caller.site)) {
      const command = args[0] as { constructor: { name: string } };
      captured = {
        client: this as unknown as CapturedSend['client'],
        command,
        operation: command.constructor.name.replace(/Command$/, ''),
        sentAt: performance.now(),
      };
      capturing.sends.push(captured);
    }
    const result = sources.run(caller, () => original.apply(this, args));
    if (captured && result instanceof Promise) {
      const settled = () => {
        (captured as CapturedSend).settledAt = performance.now();
      };
      result.then(settled, settled);
    }
    return result;
  };
  send.original = original;
  send.installedBy = THIS_MODULE;
  prototype.send = send;
}

/**
 * Stops counting: puts the SDK's own `send` back, whichever evaluation of this module replaced it.
 * A test file that counts calls it after itself, so the files that share its worker process send
 * without the counter's cost (a stack trace per request) and its records.
 */
export function uninstallRequestCounter(): void {
  const prototype = Client.prototype as unknown as { send: CountingSend };
  if (prototype.send.original) prototype.send = prototype.send.original;
}

/** Runs `work` with every AWS request it makes counted as the bench's own (left out of the costs). */
export function uncounted<T>(work: () => Promise<T>): Promise<T> {
  return sources.run(BENCH, work);
}

/** The requests counted since the last call, and a fresh start. */
export function takeRequests(): CountedRequest[] {
  const taken = requests;
  requests = [];
  return taken;
}

/** How many requests have been counted so far (without taking them). */
export function requestCount(source: RequestSource): number {
  return requests.filter((request) => request.source === source).length;
}

/**
 * Runs `work` and resolves with the requests the service's code sent meanwhile from a site (the
 * project's frames that led to the request, as in CountedRequest.site) that matches `filter`;
 * `work` sees them as they come.
 */
export async function captureSends(
  filter: RegExp,
  work: (sends: readonly CapturedSend[]) => Promise<unknown>,
): Promise<CapturedSend[]> {
  const sends: CapturedSend[] = [];
  capturing = { filter, sends };
  try {
    await work(sends);
    return sends;
  } finally {
    capturing = null;
  }
}
