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
    try {
      const response = await this.request('POST', 'Calls.json', form);
      const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
      if (response.status === 201 && body.sid) return { placed: true, providerCallId: body.sid };
      const reason =
        body.code !== undefined && INVALID_NUMBER_ERROR_CODES.has(body.code) ? 'invalid_number' : 'provider_error';
      return {
        placed: false,
        reason,
        detail: `HTTP ${response.status}, Twilio error ${body.code ?? 'unknown'}: ${body.message ?? ''}`,
      };
    } catch (error) {
      // A timeout may still have placed the call, so it is never retried: it is reported as failed.
      return { placed: false, reason: 'provider_error', detail: `request failed: ${(error as Error).message}` };
    }
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
      answeredBy: answeredByOf(call.answered_by ?? undefined),
    });
    // Only final statuses settle a call; queued, ringing or in-progress mean it is still going.
    return event && event.kind !== 'ringing' && event.kind !== 'answered' ? event : 'ongoing';
  }

  private async request(method: 'GET' | 'POST', resource: string, form?: string): Promise<Response> {
    const { accountSid, authToken } = await this.options.account();
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
