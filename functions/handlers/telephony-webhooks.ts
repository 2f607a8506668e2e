import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CALL_ID_PATTERN } from '#domain/ids';
import type { StoredCall } from '#schemas/call';
import { AgentRuntimeEnvSchema, parseEnv } from '#schemas/env';
import { answerCall, recordAgentEnded } from '#use-cases/answer-call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { telephonyWebhookUrl } from '#adapters/telephony/twilio-provider';
import {
  HANGUP_TWIML,
  SIGNATURE_HEADER,
  answeredByOf,
  connectStreamTwiml,
  countOf,
  isValidTwilioSignature,
  parseForm,
  providerEventOf,
  single,
  type FormParams,
} from '#adapters/telephony/twilio-protocol';
import { logger } from './logger.ts';
import { tracing } from './tracing.ts';
import { telephonyWebhookHandler } from './middleware/bundles.ts';
import { calls, clock, directory } from './composition/table.ts';
import { callEventDeps, credentials, telephonyEnv } from './composition/telephony.ts';

const { AGENT_STREAM_URL } = parseEnv(AgentRuntimeEnvSchema, process.env);

type Result = APIGatewayProxyStructuredResultV2;
const twiml = (body: string): Result => ({ statusCode: 200, headers: { 'content-type': 'text/xml' }, body });
const plain = (statusCode: number, body: string): Result => ({
  statusCode,
  headers: { 'content-type': 'text/plain' },
  body,
});

/** A provider request that passed every check of twilioWebhook, about a call the service knows. */
interface TwilioWebhookRequest {
  params: FormParams;
  call: StoredCall;
  callId: string;
  attempt: number;
}

/**
 * The one way in for every telephony route: before any route code runs, the request must carry
 * a valid X-Twilio-Signature (checked at every spelling of the configured webhook URL that
 * Twilio's helper libraries accept, over the form body) from the provider account that carries
 * the call (the simulator's for test calls), and name a known call and attempt. Anything else is
 * a 4xx and changes nothing. The call read here is the one each route judges first: one read of
 * the call per provider request.
 */
function twilioWebhook(route: (request: TwilioWebhookRequest) => Promise<Result>) {
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const params = parseForm(event.body ?? '');
    const url = `${new URL(telephonyEnv.TELEPHONY_WEBHOOK_BASE_URL).origin}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
    const signature = event.headers[SIGNATURE_HEADER];
    const accounts = await credentials();
    const signedBy = (account: { accountSid: string; authToken: string } | null) =>
      account !== null &&
      single(params, 'AccountSid') === account.accountSid &&
      isValidTwilioSignature(account.authToken, url, params, signature);
    const signedModes = { live: signedBy(accounts.twilio), test: signedBy(accounts.simulator) };
    if (!signedModes.live && !signedModes.test) return plain(401, 'Invalid or missing X-Twilio-Signature');

    const callId = event.queryStringParameters?.callId ?? '';
    const attempt = Number(event.queryStringParameters?.attempt);
    const call = CALL_ID_PATTERN.test(callId) ? await calls.getById(callId) : null;
    if (!call || !Number.isInteger(attempt)) return plain(404, 'Unknown call');
    // Only the provider account that carries the call may report on it (test calls: the simulator's).
    if (!signedModes[call.keyMode]) return plain(401, 'Signed by an account that does not carry this call');
    tracing.annotate({ callId, accountId: call.accountId });
    return route({ params, call, callId, attempt });
  };
}

/**
 * Reads the facts a report may carry, and warns about (then ignores) any that is not what
 * Twilio documents: a timestamp that does not parse, a count that is not a whole number, an
 * unknown AnsweredBy. A bad fact never fails the request.
 */
function reportedFacts(params: FormParams, callId: string) {
  const warn = (field: string) =>
    logger.warn('Ignoring a provider field that is not what Twilio documents', { callId, field });
  const timestamp = single(params, 'Timestamp');
  const parsed = timestamp === undefined ? NaN : Date.parse(timestamp);
  if (timestamp !== undefined && Number.isNaN(parsed)) warn('Timestamp');
  const duration = single(params, 'CallDuration');
  const durationSeconds = countOf(duration);
  if (duration !== undefined && durationSeconds === undefined) warn('CallDuration');
  const verdict = single(params, 'AnsweredBy');
  const answeredBy = answeredByOf(verdict);
  if (verdict !== undefined && answeredBy === undefined) warn('AnsweredBy');
  return { at: Number.isNaN(parsed) ? clock.now() : new Date(parsed), durationSeconds, answeredBy };
}

const routes: Record<string, (request: TwilioWebhookRequest) => Promise<Result>> = {
  /** Status callbacks: https://www.twilio.com/docs/voice/api/call-resource#statuscallback */
  async status({ params, call, callId, attempt }) {
    const status = single(params, 'CallStatus') ?? '';
    const { at, durationSeconds, answeredBy } = reportedFacts(params, callId);
    const event = providerEventOf(status, at, {
      durationSeconds,
      answeredBy,
      sipResponseCode: single(params, 'SipResponseCode'),
    });
    const result = await applyCallEvent(
      callEventDeps,
      { callId, attempt, event, providerCallId: single(params, 'CallSid') },
      call,
    );
    if (result === 'late')
      logger.warn('A final report arrived after the call was given up on; the call keeps its outcome', {
        callId,
        attempt,
        providerStatus: status,
      });
    else logger.info('Status callback', { callId, attempt, providerStatus: status, result });
    return plain(204, '');
  },

  /** The answer URL: TwiML for an answered call (the request carries AnsweredBy with synchronous AMD). */
  async answer({ params, call, callId, attempt }) {
    const { answeredBy } = reportedFacts(params, callId);
    const session = await answerCall(
      { ...callEventDeps, directory },
      { callId, attempt, answeredBy, providerCallId: single(params, 'CallSid') },
      call,
    );
    if (!session) return twiml(HANGUP_TWIML);
    logger.info('Connecting answered call to the agent', { callId, attempt, conversationId: session.conversationId });
    return twiml(
      connectStreamTwiml(
        AGENT_STREAM_URL,
        telephonyWebhookUrl(telephonyEnv.TELEPHONY_WEBHOOK_BASE_URL, 'stream-ended', callId, attempt),
        {
          callId: session.callId,
          agentId: session.agentId,
          conversationId: session.conversationId,
          firstMessage: session.firstMessage,
          metadata: JSON.stringify(session.metadata),
          mode: session.leaveVoicemail ? 'voicemail' : 'conversation',
        },
      ),
    );
  },

  /**
   * The <Connect> action: the agent's stream ended. It was the agent only while the line is still
   * up (CallStatus in-progress, or not said); when the callee hung up first, the stream ended with
   * the call (CallStatus completed), and the status callback tells how the call ended.
   */
  async 'stream-ended'({ params, call, callId, attempt }) {
    const lineStatus = single(params, 'CallStatus');
    if (lineStatus === undefined || lineStatus === 'in-progress')
      await recordAgentEnded(callEventDeps, { callId, attempt }, call);
    return twiml(HANGUP_TWIML);
  },
};

/**
 * Twilio's webhooks: status callbacks, the answer URL, and the <Connect> action when the agent's
 * stream ends. The form body arrives decoded (telephonyWebhookHandler).
 */
export const handler = telephonyWebhookHandler(async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const hook = event.rawPath.split('/').at(-1) ?? '';
  if (!Object.hasOwn(routes, hook) || !event.rawPath.startsWith('/telephony/twilio/'))
    return plain(404, 'Unknown webhook');
  return twilioWebhook(routes[hook] as (request: TwilioWebhookRequest) => Promise<Result>)(event);
});
