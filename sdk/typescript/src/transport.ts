import { APIConnectionError, APITimeoutError, VoisnapError, errorFromResponse } from './errors.js';

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Backoff before retry n (from 0): 0.5 s, 1 s, 2 s, … up to 8 s, each with up to half of it random. */
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** A `Retry-After` longer than this is not waited out: the error is raised with its `retryAfterMs`. */
export const MAX_RETRY_AFTER_MS = 60_000;

export function retryDelayMs(retry: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS * 2 ** retry);
  // Jitter spreads the retries of many clients that failed together.
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/**
 * Sends a request, retrying on 429, 5xx, a 409 `concurrent_update`, network errors and timeouts:
 * the failures a retry can cure. Creates are safe to retry because they carry an Idempotency-Key.
 * A `Retry-After` on the answer replaces the backoff (a wait over MAX_RETRY_AFTER_MS is not retried).
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  async request<T>(request: Request): Promise<T> {
    for (let retry = 0; ; retry++) {
      let error: VoisnapError;
      try {
        return await this.attempt<T>(request);
      } catch (thrown) {
        if (!(thrown instanceof VoisnapError)) throw thrown;
        error = thrown;
      }
      if (retry >= this.options.maxRetries || !isRetryable(error)) throw error;
      const delay = error.retryAfterMs ?? retryDelayMs(retry);
      if (delay > MAX_RETRY_AFTER_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private async attempt<T>(request: Request): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    let responseHeaders: Headers;
    try {
      const response = await fetch(this.url(request), {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new APITimeoutError(
          `No response from ${request.method} ${request.path} within ${this.options.timeoutMs} ms.`,
          { cause: error },
        );
      }
      throw new APIConnectionError(
        `Could not reach the Voisnap API (${request.method} ${request.path}): ${describeNetworkError(error)}`,
        { cause: error },
      );
    }
    const body = parseJson(text);
    if (status === 204) return undefined as T;
    if (status >= 200 && status < 300) {
      if (body === undefined)
        throw new VoisnapError(`The API answered ${request.method} ${request.path} with ${status} and no JSON body.`, {
          status,
          requestId: responseHeaders.get('request-id') ?? undefined,
        });
      return body as T;
    }
    throw errorFromResponse(status, body, text, responseHeaders);
  }

  private url(request: Request): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }
}

function isRetryable(error: VoisnapError): boolean {
  if (error.status === undefined) return error instanceof APIConnectionError;
  return error.status === 429 || error.status >= 500 || (error.status === 409 && error.code === 'concurrent_update');
}

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED, …) is in its cause. */
function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
