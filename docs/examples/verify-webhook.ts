import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a Voisnap webhook: `signatureHeader` is the Voisnap-Signature header
 * (`t=<unix seconds>,v1=<hex>[,v1=<hex>]`), `body` the raw request body, `secret` the endpoint's
 * signing secret. Rejects signatures older than `toleranceSeconds` (replays).
 */
export function verifyVoisnapSignature(
  secret: string,
  signatureHeader: string,
  body: string,
  toleranceSeconds = 300,
): boolean {
  const parts = signatureHeader.split(',').map((part) => part.split('=', 2) as [string, string]);
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return parts
    .filter(([key]) => key === 'v1')
    .some(([, signature]) => {
      const given = Buffer.from(signature, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
