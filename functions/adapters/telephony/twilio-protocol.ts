import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderEvent } from '#domain/call-lifecycle';
import { withoutDisallowedCharacters } from '#domain/text';
import { AnsweredBySchema, type AnsweredBy } from '#schemas/call';

/**
 * Twilio's wire protocol, shared by the Twilio adapter and the carrier simulator so that both
 * speak it the same way: form parameters, request signatures, status callbacks, TwiML.
 */

export type FormParams = Record<string, string | string[]>;

export const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the auth token, over the URL followed by each
 * POST parameter's name and value, sorted by name; a repeated parameter's distinct values sorted.
 * Base64. (https://www.twilio.com/docs/usage/webhooks/webhooks-security; the helper libraries
 * drop a value repeated under one name, and so does this.)
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .map((name) => {
      const value = params[name] ?? '';
      const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
      return values.map((v) => `${name}${v}`).join('');
    })
    .join('');
  return createHmac('sha1', authToken)
    .update(url + data, 'utf8')
    .digest('base64');
}

/** A URL's scheme, authority without port, port (with its colon, or empty) and the rest. */
function splitUrl(url: string): { scheme: string; host: string; port: string; rest: string } | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) return null;
  const [, scheme = '', authority = '', rest = ''] = match;
  // A colon starts the port only after an IPv6 literal's closing bracket.
  const colon = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  return colon === -1
    ? { scheme, host: authority, port: '', rest }
    : { scheme, host: authority.slice(0, colon), port: authority.slice(colon), rest };
}

/**
 * The spellings of one URL that Twilio may have signed, as its helper libraries check them: as
 * requested, without its port, and with the scheme's default port (:443, :80) when it has none.
 * A service behind a proxy or on a non-default port is reached at one spelling and signed at
 * another (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
 */
export function signedUrlVariants(url: string): string[] {
  const parts = splitUrl(url);
  if (!parts) return [url];
  const defaultPort = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const withPort = parts.scheme + parts.host + (parts.port || defaultPort) + parts.rest;
  return [...new Set([url, urlWithoutPort(url), withPort])];
}

/** The URL without its port, if it has one. */
export function urlWithoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.host + parts.rest : url;
}

/** True when `signature` is Twilio's signature of the request at any spelling of `url` (signedUrlVariants). */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature);
  return signedUrlVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
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

/** Twilio's AnsweredBy, or undefined when absent or not one of its documented values. */
export function answeredByOf(value: string | undefined): AnsweredBy | undefined {
  const parsed = AnsweredBySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A count Twilio sends as text (CallDuration, in whole seconds): a non-negative integer, or
 * undefined when absent or not one (a hostile or broken report), for the caller to warn about.
 */
export function countOf(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/**
 * SIP final responses that say the dialed number does not exist (RFC 3261 §21.4.5 404 Not Found,
 * §21.4.11 410 Gone, §21.4.22 484 Address Incomplete, §21.6.3 604 Does Not Exist Anywhere), as a
 * failed call's status callback reports them in SipResponseCode.
 */
const NUMBER_DOES_NOT_EXIST_SIP_CODES = new Set(['404', '410', '484', '604']);

/**
 * A status callback's CallStatus as a provider event. Null for news that changes no status
 * (`queued`, `initiated`). Twilio's statuses: queued, initiated, ringing, in-progress, completed,
 * busy, no-answer, failed, canceled (https://www.twilio.com/docs/voice/api/call-resource#call-status-values).
 */
export function providerEventOf(
  status: string,
  at: Date,
  params: { durationSeconds?: number; answeredBy?: AnsweredBy; sipResponseCode?: string },
): ProviderEvent | null {
  const verdict = params.answeredBy ? { answeredBy: params.answeredBy } : {};
  switch (status) {
    case 'ringing':
      return { kind: 'ringing', at };
    case 'in-progress':
      return { kind: 'answered', at, ...verdict };
    case 'completed':
      return {
        kind: 'completed',
        at,
        ...(params.durationSeconds !== undefined ? { durationSeconds: params.durationSeconds } : {}),
        ...verdict,
      };
    case 'busy':
      return { kind: 'busy', at };
    case 'no-answer':
      return { kind: 'no_answer', at };
    case 'failed':
      // The network's answer, when the report carries it (SipResponseCode): a number that does
      // not exist fails the same way on every try.
      return {
        kind: 'failed',
        at,
        reason: NUMBER_DOES_NOT_EXIST_SIP_CODES.has(params.sipResponseCode ?? '') ? 'invalid_number' : 'provider_error',
      };
    case 'canceled':
      return { kind: 'failed', at, reason: 'provider_error' };
    default:
      return null;
  }
}

/**
 * Text as an XML attribute value, escaped as Twilio's own TwiML builder escapes it (`&`, `<`,
 * `"`, and tab, line feed and carriage return as character references so they survive attribute
 * normalisation), after dropping every character no XML document can carry
 * (withoutDisallowedCharacters): whatever it is given, the result is well-formed.
 */
export function xmlAttribute(value: string): string {
  return withoutDisallowedCharacters(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** TwiML that hands the call's audio to the agent runtime, and reports back when the stream ends. */
export function connectStreamTwiml(streamUrl: string, actionUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="${xmlAttribute(actionUrl)}"><Stream url="${xmlAttribute(streamUrl)}">${params}</Stream></Connect></Response>`;
}

export const HANGUP_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';

/**
 * Twilio error codes that mean the destination number itself is not callable
 * (https://www.twilio.com/docs/api/errors): 21211 invalid To, 21214 To cannot be reached, 21217 To
 * not valid, 21401 invalid number, 21407 number type not supported, and the same from the `<Dial>`
 * verb (13223, 13224). Not 21210, which is the caller ID (From) not verified: the service's
 * configuration, not the callee's number.
 */
export const INVALID_NUMBER_ERROR_CODES = new Set([13223, 13224, 21211, 21214, 21217, 21401, 21407]);
