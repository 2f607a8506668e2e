import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderEvent } from '#domain/call-lifecycle';

/**
 * Twilio's wire protocol, shared by the Twilio adapter and the carrier simulator so that both
 * speak it the same way: form parameters, request signatures, status callbacks, TwiML.
 */

export type FormParams = Record<string, string | string[]>;

export const SIGNATURE_HEADER = 'x-twilio-signature';

/** Twilio's request signature: HMAC-SHA1 over the URL and the sorted POST parameters, base64. */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .map((name) => {
      const value = params[name] ?? '';
      const values = Array.isArray(value) ? [...value].sort() : [value];
      return values.map((v) => `${name}${v}`).join('');
    })
    .join('');
  return createHmac('sha1', authToken).update(url + data, 'utf8').digest('base64');
}

export function isValidTwilioSignature(authToken: string, url: string, params: FormParams, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Parses an application/x-www-form-urlencoded body; repeated names become arrays. */
export function parseForm(body: string): FormParams {
  const params: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = params[name];
    params[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

export function encodeForm(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return form.toString();
}

export const single = (params: FormParams, name: string): string | undefined => {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Answering machine detection's verdicts: a person, or anything else (machine, fax, unknown). */
export function answeredByOf(value: string | undefined): 'human' | 'machine' | undefined {
  if (!value) return undefined;
  return value === 'human' || value === 'unknown' ? 'human' : 'machine';
}

/**
 * A status callback's CallStatus as a provider event. Null for news that changes no status
 * (`queued`, `initiated`). Twilio's statuses: queued, initiated, ringing, in-progress, completed,
 * busy, no-answer, failed, canceled.
 */
export function providerEventOf(status: string, at: Date, params: { durationSeconds?: number; answeredBy?: string }): ProviderEvent | null {
  const answeredBy = answeredByOf(params.answeredBy);
  switch (status) {
    case 'ringing':
      return { kind: 'ringing', at };
    case 'in-progress':
      return { kind: 'answered', at, answeredBy: answeredBy ?? 'human' };
    case 'completed':
      return { kind: 'completed', at, durationSeconds: params.durationSeconds ?? 0, ...(answeredBy ? { answeredBy } : {}) };
    case 'busy':
      return { kind: 'busy', at };
    case 'no-answer':
      return { kind: 'no_answer', at };
    case 'failed':
    case 'canceled':
      return { kind: 'failed', at, reason: 'provider_error' };
    default:
      return null;
  }
}

const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** TwiML that hands the call's audio to the agent runtime, and reports back when the stream ends. */
export function connectStreamTwiml(streamUrl: string, actionUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="${escapeXml(actionUrl)}"><Stream url="${escapeXml(streamUrl)}">${params}</Stream></Connect></Response>`;
}

export const HANGUP_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';

/** Twilio error codes that mean the destination number itself is not callable. */
export const INVALID_NUMBER_ERROR_CODES = new Set([13223, 13224, 21210, 21211, 21214, 21217, 21401, 21407]);
