import type { ProviderEvent } from '#domain/call-lifecycle';
import type { PlaceCallRequest, PlaceCallResult, TelephonyProvider } from '#ports/telephony';
import { INVALID_NUMBER_ERROR_CODES, answeredByOf, countOf, encodeForm, providerEventOf } from './twilio-protocol.ts';

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
}

export interface TwilioProviderOptions {
  /** https://api.twilio.com, or the carrier simulator's base URL. */
  apiBaseUrl: string;
  account: () => Promise<TwilioAccount>;
  /** Public base URL of this service's telephony webhooks. */
  webhookBaseUrl: string;
  ringTimeoutSeconds: number;
  maxCallDurationSeconds: number;
  requestTimeoutMs?: number;
}

export const telephonyWebhookUrl = (
  base: string,
  hook: 'status' | 'answer' | 'stream-ended',
  callId: string,
  attempt: number,
) => `${new URL(base).origin}/telephony/twilio/${hook}?callId=${encodeURIComponent(callId)}&attempt=${attempt}`;

/** Twilio Programmable Voice's Calls resource (REST API 2010-04-01). */
export class TwilioProvider implements TelephonyProvider {
  constructor(private readonly options: TwilioProviderOptions) {}

  async placeCall(request: PlaceCallRequest): Promise<PlaceCallResult> {
    const { webhookBaseUrl: base } = this.options;
    const form = encodeForm({
      To: request.to,
      From: request.from,
      Url: telephonyWebhookUrl(base, 'answer', request.callId, request.attempt),
      Method: 'POST',
      StatusCallback: telephonyWebhookUrl(base, 'status', request.callId, request.attempt),
      StatusCallbackMethod: 'POST',
      // Only the reports that can change the call: `ringing` (a published status) and `completed`.
      // `initiated` says what the dialer already recorded, and the answer URL request (Url, requested
      // when the call connects) is itself the news of the answer, so `answered` would only cost a
      // read of the call (docs/costs.md). StatusCallbackEvent values:
      // https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent
      StatusCallbackEvent: ['ringing', 'completed'],
      // Synchronous answering machine detection, waiting for a greeting's end so the agent's
      // voicemail is recorded whole. The verdict comes with the answer request (and may come with
      // status callbacks); AsyncAmd is not used, so there is no separate AMD callback
      // (https://www.twilio.com/docs/voice/answering-machine-detection).
      MachineDetection: 'DetectMessageEnd',
      Timeout: String(this.options.ringTimeoutSeconds),
      TimeLimit: String(this.options.maxCallDurationSeconds),
    });
    let account: TwilioAccount;
    try {
      account = await this.options.account();
    } catch (error) {
      return { placed: 'later', detail: `no credentials: ${(error as Error).message}`, retryAfterSeconds: null };
    }
    let response: Response;
    try {
      response = await this.request('POST', 'Calls.json', form, account);
    } catch (error) {
      const detail = `request failed: ${describeFetchFailure(error)}`;
      // Refused before a byte was sent: nothing was created. Anything later (a timeout, a reset)
      // may have reached Twilio, which may be ringing the person now.
      return neverSent(error) ? { placed: 'later', detail, retryAfterSeconds: null } : { placed: 'unknown', detail };
    }
    // The body is read under the same deadline; a body cut short or never finished reads as none.
    const body = (await response.json().catch(() => ({}))) as { sid?: unknown; code?: number; message?: string };
    if (response.ok) {
      // 201 Created: the call exists, even when its body was lost (its first report carries its CallSid).
      return typeof body.sid === 'string' && body.sid !== ''
        ? { placed: true, providerCallId: body.sid }
        : { placed: 'unknown', detail: `HTTP ${response.status} without a readable call id` };
    }
    // A 5xx does not say whether the call was created before the failure. (Its detail leaves out
    // Twilio's message, which can quote the number: this one is logged.)
    if (response.status >= 500)
      return { placed: 'unknown', detail: `HTTP ${response.status}, Twilio error ${body.code ?? 'unknown'}` };
    // 429 Too Many Requests (Twilio 20429) is answered before anything is created.
    if (response.status === 429)
      return {
        placed: 'later',
        detail: `HTTP 429, Twilio error ${body.code ?? 'unknown'}`,
        retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
      };
    const reason =
      body.code !== undefined && INVALID_NUMBER_ERROR_CODES.has(body.code) ? 'invalid_number' : 'provider_error';
    return {
      placed: false,
      reason,
      detail: `HTTP ${response.status}, Twilio error ${body.code ?? 'unknown'}: ${body.message ?? ''}`,
    };
  }

  /** GET Calls/{Sid}.json (https://www.twilio.com/docs/voice/api/call-resource#fetch-a-call-resource). */
  async fetchOutcome(providerCallId: string): Promise<ProviderEvent | 'ongoing' | null> {
    const response = await this.request('GET', `Calls/${encodeURIComponent(providerCallId)}.json`);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`Twilio answered HTTP ${response.status} for call ${providerCallId}`);
    const call = (await response.json()) as {
      status: string;
      end_time: string | null;
      duration: string | null;
      answered_by: string | null;
    };
    const at = call.end_time ? new Date(call.end_time) : new Date();
    const event = providerEventOf(call.status, at, {
      durationSeconds: countOf(call.duration ?? undefined),
      // The call resource gives `human` or `machine` (twilio-calls-openapi.json, answered_by); the
      // callbacks' finer verdicts (machine_start, …) pass through as they are.
      answeredBy: call.answered_by === 'machine' ? 'machine_start' : answeredByOf(call.answered_by ?? undefined),
    });
    // Only final statuses settle a call; queued, ringing or in-progress mean it is still going.
    return event && event.kind !== 'ringing' && event.kind !== 'answered' ? event : 'ongoing';
  }

  private async request(
    method: 'GET' | 'POST',
    resource: string,
    form?: string,
    account?: TwilioAccount,
  ): Promise<Response> {
    const { accountSid, authToken } = account ?? (await this.options.account());
    const url = `${this.options.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${accountSid}/${resource}`;
    return fetch(url, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form,
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
    });
  }
}

/**
 * Error codes of a fetch that failed while connecting (Node's undici puts the socket's error in
 * `cause`): no request reached the server. A timeout (AbortSignal.timeout's TimeoutError) is not
 * among them: it may fire after the request was sent.
 */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The socket error's code that undici puts in a failed fetch's `cause`, if any. */
function causeCode(error: unknown): string | undefined {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a failed fetch certainly sent nothing (it failed while connecting). */
function neverSent(error: unknown): boolean {
  return CONNECT_PHASE_CODES.has(causeCode(error) ?? '');
}

/** A failed fetch's message with its cause's code, for the log (no URL, no credentials). */
function describeFetchFailure(error: unknown): string {
  const code = causeCode(error);
  return `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}${code ? ` (${code})` : ''}`;
}

/**
 * A Retry-After header in whole seconds, or null when absent or not in that form (an HTTP date is
 * left to the caller's own backoff). RFC 9110 §10.2.3.
 */
function retryAfterSeconds(value: string | null): number | null {
  return value !== null && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : null;
}
