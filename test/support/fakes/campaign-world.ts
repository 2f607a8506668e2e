import type { StoredCall } from '#schemas/call';
import type { UpdateEffects } from '#ports/call-repository';
import type { StoredCampaign } from '#schemas/campaign';
import type { CreateCampaignRequest } from '#schemas/campaign-request';
import type { WebhookEvent } from '#schemas/webhooks';
import { campaignCompletedEvent } from '#domain/webhook-events';
import type { Caller } from '#schemas/directory';
import type { CallChange } from '#use-cases/produce-events';
import { countCampaignChange } from '#use-cases/campaign-counts';
import { sweepCampaign } from '#use-cases/campaign-sweeps';
import { continueCampaignContacts } from '#use-cases/campaign-contacts';
import type { CampaignWorkMessage } from '#schemas/dial-message';
import { InMemoryCampaignStore } from './campaign-store.ts';
import { fakeCallWorld } from './call-world.ts';
import { FakeDirectory } from './directory.ts';

export const AGENT = 'agt_01HXK8Z3MNPQRS';
export const CALLER: Caller = { accountId: 'acc_demo', keyMode: 'test', keyId: 'key_1' };

/** `count` distinct valid US numbers: +1415555 followed by four digits, then other exchanges. */
export function numbers(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + offset;
    return `+1415${String(2000000 + n).padStart(7, '0')}`;
  });
}

export function campaignRequest(contacts: number, extra: Partial<CreateCampaignRequest> = {}): CreateCampaignRequest {
  return {
    name: 'Spring reminders',
    agentId: AGENT,
    contacts: numbers(contacts).map((toNumber) => ({ toNumber })),
    ...extra,
  };
}

/**
 * Every fake a campaign use case needs, over one call table: the directory (account acc_demo with
 * `slotLimit` concurrent calls, the published agent and number), the campaign store (installed as
 * the table's campaign gate), and the table's stream: every write of a call, in order, as the
 * events function would receive it (`stream`); `drain` feeds them to countCampaignChange.
 */
export function fakeCampaignWorld(options: { slotLimit?: number } = {}) {
  const base = fakeCallWorld({ slotLimit: options.slotLimit ?? 10 });
  const directory = new FakeDirectory();
  directory.accounts.set('acc_demo', {
    id: 'acc_demo',
    name: 'Demo',
    concurrentCallLimit: options.slotLimit ?? 10,
    createdAt: '2030-01-01T00:00:00Z',
  });
  directory.addAgent('acc_demo', AGENT, ['+14155550123']);
  const campaigns = new InMemoryCampaignStore(base.table);
  const stream: CallChange[] = [];
  const completed: string[] = [];
  /** The CampaignCompleted events the completions make (told again when a record is redelivered). */
  const completionEvents: WebhookEvent[] = [];
  const table = base.table;
  const create = table.create.bind(table);
  const update = table.update.bind(table);
  table.create = async (call: StoredCall, idempotency) => {
    const result = await create(call, idempotency);
    if (result.created) stream.push({ before: null, after: structuredClone(call) });
    return result;
  };
  table.update = async (next: StoredCall, previous: StoredCall, effects?: UpdateEffects) => {
    const written = await update(next, previous, effects);
    stream.push({ before: structuredClone(previous), after: structuredClone(written) });
    return written;
  };
  const countDeps = {
    campaigns,
    clock: base.clock,
    onCompleted: async (campaign: StoredCampaign) => {
      completed.push(campaign.id);
      completionEvents.push(campaignCompletedEvent(campaign));
    },
  };
  /**
   * The pages of resumes, cancels and contacts' calls sent and not yet handled (they ride the
   * dial queue in AWS).
   */
  const sweeps: CampaignWorkMessage[] = [];
  const deps = {
    ...base.deps,
    directory,
    campaigns,
    sweeps: { send: async (message: CampaignWorkMessage) => void sweeps.push(structuredClone(message)) },
    onDispatchFailed: () => undefined,
    contactConcurrency: 16,
  };
  /** Handles one page as the dialer would. */
  const handle = (message: CampaignWorkMessage) =>
    message.kind === 'campaignContacts' ? continueCampaignContacts(deps, message) : sweepCampaign(deps, message);
  /** Handles the pending pages as the dialer would, each page sending the next, until none is left. */
  const runSweeps = async () => {
    let pages = 0;
    for (let message = sweeps.shift(); message; message = sweeps.shift()) {
      await handle(message);
      pages += 1;
    }
    return pages;
  };
  /** Delivers the stream's records not delivered yet, in order. */
  let delivered = 0;
  const drain = async () => {
    while (delivered < stream.length) await countCampaignChange(countDeps, stream[delivered++] as CallChange);
  };
  return {
    ...base,
    directory,
    campaigns,
    stream,
    completed,
    completionEvents,
    countDeps,
    deps,
    drain,
    sweeps,
    handle,
    runSweeps,
  };
}

/**
 * A campaign world whose table takes one second of the fake clock per call it stores, so that a
 * calls budget (in seconds) reaches a known number of contacts; `deps` overrides the world's deps
 * (contactConcurrency, callsBudgetMs, sweepPageSize…), which every page uses too.
 */
export function slowCampaignWorld(deps: Record<string, unknown>) {
  const world = fakeCampaignWorld();
  const create = world.table.create.bind(world.table);
  world.table.create = async (call, idempotency) => {
    const result = await create(call, idempotency);
    world.clock.advance(1);
    return result;
  };
  Object.assign(world.deps, deps);
  return world;
}
