import { createHash } from 'node:crypto';
import { toTimestamp } from '#domain/time';
import { CreateCallRequestSchema, LIMITS } from '#schemas/create-call-request';
import { metadataProblem } from '#schemas/metadata';
import type { CreateCallParams } from '../../sdk/typescript/src/index.ts';
import type { Contact, Problem } from './contacts.ts';

/** One contact's call, exactly as the command sends it, on every run. */
export interface PlannedCall {
  contact: Contact;
  /** Position in the file, from 0: the call is due `start + index × every`. */
  index: number;
  request: CreateCallParams;
  idempotencyKey: string;
}

export interface CampaignSettings {
  campaign: string;
  agentId: string;
  start: Date;
  everyMs: number;
}

/**
 * The same campaign and row always give the same key, and the same settings the same request, so
 * a re-run within the API's 24 hours of idempotency gets the first run's call back instead of a
 * second one. (Later re-runs rely on the campaignId in each call's metadata instead.)
 */
export function idempotencyKeyFor(campaign: string, contactId: string): string {
  return `campaign-${createHash('sha256')
    .update(JSON.stringify([campaign, contactId]))
    .digest('hex')}`;
}

export function planCampaign(
  contacts: Contact[],
  settings: CampaignSettings,
): { calls: PlannedCall[]; problems: Problem[] } {
  const calls: PlannedCall[] = [];
  const problems: Problem[] = [];
  contacts.forEach((contact, index) => {
    const request: CreateCallParams = {
      agentId: settings.agentId,
      toNumber: contact.phone,
      scheduledFor: toTimestamp(new Date(settings.start.getTime() + index * settings.everyMs)),
      metadata: { campaignId: settings.campaign, customerId: contact.id, customerName: contact.name, ...contact.extra },
    };
    // The API's own request schema: whatever it would refuse is reported now, before any call exists.
    // (zod copies metadata, which drops a `__proto__` column: the bounds are checked on the original too.)
    const parsed = CreateCallRequestSchema.safeParse(request);
    const keyProblem = metadataProblem(request.metadata ?? {});
    if (parsed.success && !keyProblem)
      calls.push({ contact, index, request, idempotencyKey: idempotencyKeyFor(settings.campaign, contact.id) });
    else
      problems.push({
        line: contact.line,
        message: keyProblem?.message ?? parsed.error?.issues.map((issue) => issue.message).join('; ') ?? '',
      });
  });
  return { calls, problems };
}

/** Calls due more than the API's clock-skew tolerance ago, which it would refuse. */
export function callsInThePast(calls: PlannedCall[], now: Date): Problem[] {
  const earliest = now.getTime() - LIMITS.scheduledForSkewToleranceMinutes * 60_000;
  return calls
    .filter((call) => Date.parse(call.request.scheduledFor ?? '') < earliest)
    .map((call) => ({
      line: call.contact.line,
      message: `would be due at ${call.request.scheduledFor}, which has passed; pass a later --start`,
    }));
}
