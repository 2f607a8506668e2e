import { createHash, createHmac } from 'node:crypto';
import { encodeTime } from 'ulid';
import type { CallStatus, StoredCall } from '#schemas/call';
import type { StoredCampaign } from '#schemas/campaign';
import type { WebhookEvent, WebhookEventType } from '#schemas/webhooks';
import { isTerminal } from './call-status-machine.ts';
import { toPublicCall } from './call.ts';
import { toPublicCampaign } from './campaign.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An event id that is the same every time the same change is seen: `evt_` + a ULID whose time is
 * the change's and whose "random" part is a hash of call, version and type. Stream records come
 * at least once; equal ids let every later step recognise a repeat.
 */
export function eventId(call: StoredCall, type: WebhookEventType): string {
  return derivedEventId(`${call.id}#${call.version}#${type}`, call.updatedAt);
}

function derivedEventId(seed: string, at: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let randomPart = '';
  for (let i = 0; i < 16; i++) randomPart += CROCKFORD[(digest[i] as number) % 32];
  return `evt_${encodeTime(Date.parse(at), 10)}${randomPart}`;
}

/**
 * CampaignCompleted for a campaign that has completed (its last call ended): `data.campaign` is
 * the public campaign (never its internals). The id derives from the campaign and its `completedAt`, so every time the
 * completion is seen again (a stream record delivered twice) the event is the same one, and
 * delivery sends it to each endpoint once. Throws if the campaign has not completed.
 */
export function campaignCompletedEvent(campaign: StoredCampaign): WebhookEvent {
  const { completedAt } = campaign;
  if (campaign.status !== 'completed' || !completedAt)
    throw new Error(`Campaign ${campaign.id} is ${campaign.status}, not completed.`);
  return {
    id: derivedEventId(`${campaign.id}#${completedAt}#CampaignCompleted`, completedAt),
    type: 'CampaignCompleted',
    createdAt: completedAt,
    data: { campaign: toPublicCampaign(campaign, new Date(completedAt)) },
  };
}

/**
 * The events one write of a call produces. Only status changes produce events: every one an
 * OutboundCallStatusChanged, answering a SessionStarted, and reaching a terminal status a
 * SessionEnded (a no-answer that will be retried goes back to `scheduled`: not ended).
 */
export function eventsForChange(before: StoredCall | null, after: StoredCall): WebhookEvent[] {
  const previousStatus: CallStatus | null = before?.status ?? null;
  if (previousStatus === after.status) return [];
  const types: WebhookEventType[] = ['OutboundCallStatusChanged'];
  if (after.status === 'in_progress') types.push('SessionStarted');
  if (isTerminal(after.status)) types.push('SessionEnded');
  const call = toPublicCall(after);
  return types.map((type) => ({
    id: eventId(after, type),
    type,
    createdAt: after.updatedAt,
    data: { previousStatus, call },
  }));
}

/**
 * The `Voisnap-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, with
 * one `v1` per signing secret in use (two while a rotated secret is in its grace period).
 */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  const signatures = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return [`t=${timestamp}`, ...signatures].join(',');
}

/** Exponential backoff with jitter: about 30 s, 1, 2, 4, 8 minutes…, at most 15 minutes between tries. */
export function deliveryBackoffSeconds(attempt: number, random: number, unitSeconds = 1): number {
  const base = Math.min(900, 30 * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(base * (0.5 + random / 2) * unitSeconds));
}
