import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

type InvocationState = Record<string | symbol, unknown>;

/** Marks this store, whichever evaluation of this module made it (see `invocations` below). */
const LOCAL_INVOKE_STORE = Symbol.for('outbound-calls.local-invoke-store');

/**
 * The Lambda runtime's per-invocation store, for a process that runs invocations concurrently.
 * In AWS, Lambda Managed Instances run many invocations at once in one Node.js process and the
 * runtime keeps each one's state in its own scope of this store (@aws/lambda-invoke-store);
 * Powertools' logger keeps each invocation's Lambda context and appended keys there when
 * AWS_LAMBDA_MAX_CONCURRENCY is set (powertools-lambda-typescript #5430), so concurrent
 * invocations' log lines never carry each other's context. The local stack is such a process.
 */
class LocalInvokeStore extends InvokeStoreBase {
  readonly [LOCAL_INVOKE_STORE] = true;
  readonly #scopes = new AsyncLocalStorage<InvocationState>();

  getContext(): InvocationState | undefined {
    return this.#scopes.getStore();
  }

  hasContext(): boolean {
    return this.#scopes.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#scopes.getStore()?.[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    const scope = this.#scopes.getStore();
    if (!scope || this.isProtectedKey(key)) throw new Error(`Cannot set ${String(key)} outside an invocation`);
    scope[key] = value;
  }

  run<T>(context: InvocationState, fn: () => T): T {
    return this.#scopes.run(context, fn);
  }

  /** Starts a new invocation's scope for the rest of the current execution and what it awaits. */
  begin(requestId: string): void {
    this.#scopes.enterWith({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId });
  }
}

// Where the runtime keeps its store, and where Powertools looks for it. This process is never the
// Lambda runtime (local/ is not deployed), so a store that is not ours is replaced: the AWS SDK
// puts a single-invocation one there on its first request when there is none (its
// recursion-detection middleware), which in a test worker another file may have sent first. One
// of ours made by an earlier evaluation of this module (a test file that shares its worker process
// evaluates the project's modules afresh) is kept: `instanceof` would not recognise it.
const runtime = globalThis as { awslambda?: { InvokeStore?: unknown } };
runtime.awslambda ??= {};
const existing = runtime.awslambda.InvokeStore as Partial<LocalInvokeStore> | undefined;
const invocations = existing?.[LOCAL_INVOKE_STORE] ? (existing as LocalInvokeStore) : new LocalInvokeStore();
runtime.awslambda.InvokeStore = invocations;
// Powertools scopes its state per invocation only when this is set; it reads no more than that.
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';

/**
 * A Lambda context for invoking a handler in this process, as the Lambda runtime would, and the
 * start of that invocation: every call site makes one right as it invokes the handler, so what
 * the handler does from here, and everything it awaits, belongs to this invocation alone (its
 * log lines carry this context even while other invocations run in the same process). A caller
 * that only reads a context's fields starts a scope that no handler uses, which is harmless.
 */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  const fail = () => {
    throw new Error('The callback API is not used by this service');
  };
  const awsRequestId = randomUUID();
  invocations.begin(awsRequestId);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: fail,
    fail,
    succeed: fail,
  };
}
