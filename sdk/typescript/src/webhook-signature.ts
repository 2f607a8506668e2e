import type { WebhookEvent } from './types.js';

/** Why a delivery was refused: the header is missing or unreadable, too old or too new, or no signature matches. */
export type WebhookVerificationFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_out_of_tolerance'
  | 'no_matching_signature';

/** Thrown by verifyWebhook: the request did not come from Voisnap as sent (or is a replay). Answer it 400. */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    message: string,
    readonly reason: WebhookVerificationFailure,
  ) {
    super(message);
  }
}

export interface VerifyWebhookOptions {
  /** How far the signature's `t` may be from now, in seconds, either way. Default 300. */
  toleranceSeconds?: number;
  /** Now, in Unix milliseconds (for tests). Default `Date.now()`. */
  now?: number;
}

/** Default tolerance: 5 minutes, as Stripe's; deliveries are signed at each attempt, so retries pass. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Checks a webhook delivery and returns its event. `payload` is the raw body exactly as received
 * (before any JSON parsing), `signatureHeader` the `Voisnap-Signature` header
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=…]`, docs/webhooks.md), `secret` the
 * endpoint's `whsec_…` secret (or several, while you switch secrets). Every `v1` is compared in
 * constant time (Web Crypto's HMAC verify), so this runs on Node.js 20+, Deno, Bun and edge runtimes.
 * @throws WebhookVerificationError when the header is missing or malformed, `t` is more than
 *   `toleranceSeconds` from now (a replay), or no `v1` matches a secret.
 */
export async function verifyWebhook(
  payload: string | Uint8Array,
  signatureHeader: string | string[] | null | undefined,
  secret: string | string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const header = Array.isArray(signatureHeader) ? signatureHeader.join(',') : signatureHeader;
  if (!header) throw new WebhookVerificationError('No Voisnap-Signature header.', 'missing_header');
  const parts = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? ['', ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  const timestamp = parts.find(([key]) => key === 't')?.[1] ?? '';
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => hexBytes(value ?? ''));
  if (!/^\d{1,12}$/.test(timestamp) || signatures.length === 0)
    throw new WebhookVerificationError('The Voisnap-Signature header is not t=<seconds>,v1=<hex>.', 'malformed_header');
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const ageSeconds = (options.now ?? Date.now()) / 1000 - Number(timestamp);
  if (Math.abs(ageSeconds) > tolerance)
    throw new WebhookVerificationError(
      `The signature's timestamp is ${Math.round(ageSeconds)} s from now, beyond the tolerance of ${tolerance} s.`,
      'timestamp_out_of_tolerance',
    );
  const encoder = new TextEncoder();
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const signed = concat(encoder.encode(`${timestamp}.`), body);
  for (const each of Array.isArray(secret) ? secret : [secret]) {
    const key = await crypto.subtle.importKey('raw', encoder.encode(each), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    for (const signature of signatures) {
      if (signature && (await crypto.subtle.verify('HMAC', key, signature, signed)))
        return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
    }
  }
  throw new WebhookVerificationError('No signature of the delivery matches the secret.', 'no_matching_signature');
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
