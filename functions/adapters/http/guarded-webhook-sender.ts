import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookResponse, WebhookSender } from '#ports/webhooks';
import { LOCAL_HOSTS, isPublicAddress } from './webhook-url-policy.ts';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs a webhook, checking the addresses it actually connects to: the URL policy's check when
 * the endpoint was saved cannot stop a name that resolves to a public address then and to
 * 127.0.0.1 now (DNS rebinding). Redirects are never followed.
 */
export class GuardedWebhookSender implements WebhookSender {
  constructor(private readonly options: { timeoutMs: number; allowLocalHttp: boolean }) {}

  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    const started = Date.now();
    const target = new URL(url);
    const local = this.options.allowLocalHttp && LOCAL_HOSTS.has(target.hostname);
    const lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
      dnsLookup(hostname, { all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        if (!local && !addresses.every((entry) => isPublicAddress(entry.address))) {
          return callback(
            Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'ENOTPUBLIC' }),
            [],
          );
        }
        if (options.all) return callback(null, addresses);
        const [first] = addresses;
        return callback(null, first?.address ?? '', first?.family);
      });
    };
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'Voisnap-Webhooks/1.0',
        ...headers,
      },
      lookup: lookup as unknown as RequestOptions['lookup'],
      signal: AbortSignal.timeout(this.options.timeoutMs),
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const request = send(target, requestOptions, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ statusCode: response.statusCode ?? null, latencyMs: Date.now() - started, error: null }),
        );
        response.on('error', (error) =>
          resolve({ statusCode: response.statusCode ?? null, latencyMs: Date.now() - started, error: error.message }),
        );
      });
      request.on('error', (error) => {
        const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
        resolve({
          statusCode: null,
          latencyMs: Date.now() - started,
          error: timedOut ? `timed out after ${this.options.timeoutMs} ms` : error.message,
        });
      });
      request.end(body);
    });
  }
}
