import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AgentRuntimeEnvSchema, parseEnv } from '#schemas/env';
import { answerCall, recordAgentEnded } from '#use-cases/answer-call';
import { applyCallEvent } from '#use-cases/apply-call-event';
import { telephonyWebhookUrl } from '#adapters/telephony/twilio-provider';
import {
  HANGUP_TWIML,
  SIGNATURE_HEADER,
  answeredByOf,
  connectStreamTwiml,
  isValidTwilioSignature,
  parseForm,
  providerEventOf,
  single,
} from '#adapters/telephony/twilio-protocol';
import { logger } from './http/logger.ts';
import { calls, clock, directory } from './composition/table.ts';
import { callEventDeps, credentials, telephonyEnv } from './composition/telephony.ts';

const { AGENT_STREAM_URL } = parseEnv(AgentRuntimeEnvSchema, process.env);

const twiml = (body: string): APIGatewayProxyStructuredResultV2 => ({ statusCode: 200, headers: { 'content-type': 'text/xml' }, body });
const plain = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({ statusCode, headers: { 'content-type': 'text/plain' }, body });

/**
 * Twilio's webhooks: status callbacks, the answer URL, and the <Connect> action when the agent's
 * stream ends. Each request must carry a valid X-Twilio-Signature from the account that owns the
 * call (the simulator's for test calls); anything else is a 401 and changes nothing.
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  const params = parseForm(raw);
  const url = `${new URL(telephonyEnv.TELEPHONY_WEBHOOK_BASE_URL).origin}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const signature = event.headers[SIGNATURE_HEADER];
  const accounts = await credentials();
  const signedBy = (account: { accountSid: string; authToken: string } | null) =>
    account !== null && single(params, 'AccountSid') === account.accountSid && isValidTwilioSignature(account.authToken, url, params, signature);
  const signedModes = { live: signedBy(accounts.twilio), test: signedBy(accounts.simulator) };
  if (!signedModes.live && !signedModes.test) return plain(401, 'Invalid or missing X-Twilio-Signature');

  const callId = event.queryStringParameters?.callId ?? '';
  const attempt = Number(event.queryStringParameters?.attempt);
  const call = await calls.getById(callId);
  if (!call || !Number.isInteger(attempt)) return plain(404, 'Unknown call');
  // Only the provider account that carries the call may report on it (test calls: the simulator's).
  if (!signedModes[call.keyMode]) return plain(401, 'Signed by an account that does not carry this call');

  const hook = event.rawPath.split('/').at(-1);
  if (hook === 'status') {
    const status = single(params, 'CallStatus') ?? '';
    const timestamp = single(params, 'Timestamp');
    const at = timestamp && !Number.isNaN(Date.parse(timestamp)) ? new Date(timestamp) : clock.now();
    const providerEvent = providerEventOf(status, at, {
      durationSeconds: Number(single(params, 'CallDuration') ?? 0),
      answeredBy: single(params, 'AnsweredBy'),
    });
    const result = await applyCallEvent(callEventDeps, { callId, attempt, event: providerEvent, providerCallId: single(params, 'CallSid') });
    logger.info('Status callback', { callId, attempt, providerStatus: status, result });
    return plain(204, '');
  }
  if (hook === 'answer') {
    const session = await answerCall({ calls, directory }, { callId, attempt, answeredBy: answeredByOf(single(params, 'AnsweredBy')) ?? 'human' });
    if (!session) return twiml(HANGUP_TWIML);
    logger.info('Connecting answered call to the agent', { callId, attempt, conversationId: session.conversationId });
    return twiml(
      connectStreamTwiml(AGENT_STREAM_URL, telephonyWebhookUrl(telephonyEnv.TELEPHONY_WEBHOOK_BASE_URL, 'stream-ended', callId, attempt), {
        callId: session.callId,
        agentId: session.agentId,
        conversationId: session.conversationId,
        firstMessage: session.firstMessage,
        metadata: JSON.stringify(session.metadata),
        mode: session.leaveVoicemail ? 'voicemail' : 'conversation',
      }),
    );
  }
  if (hook === 'stream-ended') {
    await recordAgentEnded({ calls, clock }, { callId, attempt });
    return twiml(HANGUP_TWIML);
  }
  return plain(404, 'Unknown webhook');
};
