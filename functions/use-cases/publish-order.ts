import type { WebhookEvent } from '#schemas/webhooks';

/**
 * A stream batch's events in the order the event bus gets them, from what each record produced
 * (`index`: the record's place in the batch): the records' order, then every CampaignCompleted,
 * each event once. A campaign completes with the change that counts its last call, but the events
 * function counts the calls of a batch side by side, in any order (events-stream.ts), so the record
 * that completes it is not always the campaign's last in the batch; and a record the stream
 * delivers again may produce a completion already produced. Items keep their other fields (the
 * record, for a partial batch response); an item left with no event is dropped.
 */
export function inPublishOrder<T extends { index: number; events: WebhookEvent[] }>(items: T[]): T[] {
  const seen = new Set<string>();
  const once = (event: WebhookEvent) => {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  };
  const isCompletion = (event: WebhookEvent) => event.type === 'CampaignCompleted';
  const byIndex = [...items].sort((a, b) => a.index - b.index);
  return [
    ...byIndex.map((item) => ({ ...item, events: item.events.filter((event) => !isCompletion(event)).filter(once) })),
    ...byIndex.map((item) => ({ ...item, events: item.events.filter(isCompletion).filter(once) })),
  ].filter((item) => item.events.length > 0);
}
