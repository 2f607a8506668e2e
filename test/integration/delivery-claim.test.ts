import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '#adapters/dynamodb/table-design';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store';
import { claimable, claimRefusal, type DeliveryClaimItem } from '#domain/delivery-claim';
import { eventsForChange } from '#domain/webhook-events';
import type { WebhookResponse, WebhookSender } from '#ports/webhooks';
import type { DeliveryMessage } from '#schemas/webhooks';
import { deliverEvent, type DeliveryDeps } from '#use-cases/deliver-event';
import { aCall } from '../support/calls.ts';
import { FakeClock } from '../support/fakes/clock.ts';
import { InMemoryMetrics } from '../support/fakes/metrics.ts';
import { FakeDeliveryQueue, FakeUrlPolicy } from '../support/fakes/webhooks.ts';
import { lossyTable, type ProxiedRequest } from '../support/lossy-proxy.ts';
import { anEndpoint } from '../unit/use-cases/webhook-fixtures.ts';

/** A receiver that answers `statusCode`, counts POSTs, and can hold each answer until released. */
class Receiver implements WebhookSender {
  posts = 0;
  statusCode = 200;
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release(): void {
    this.gate = null;
    this.open();
  }
  async post(): Promise<WebhookResponse> {
    this.posts += 1;
    await this.gate;
    return { statusCode: this.statusCode, latencyMs: 1, error: null };
  }
}

/** Waits for `check` to hold, up to 10 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Handles one copy of a message until it is mid-POST (the receiver holds its answer), then a
 * second copy until it ends or POSTs too, then lets the first finish: the first's outcome (to
 * await) and the second's.
 */
async function twoCopiesAtOnce(receiver: Receiver, handle: () => Promise<string>) {
  const before = receiver.posts;
  receiver.hold();
  const first = handle();
  await until(() => receiver.posts === before + 1);
  let second: string | undefined;
  void handle().then((outcome) => {
    second = outcome;
  });
  await until(() => second !== undefined || receiver.posts > before + 1);
  receiver.release();
  return { first, second };
}

/**
 * SQS may hand the same delivery message to two invocations at once (standard queues deliver at
 * least once), or hand it again after its first invocation died. The delivery claim
 * (DynamoDbWebhookStore.claimDelivery, against DynamoDB Local) lets exactly one invocation make
 * each attempt: two copies at once POST once; a copy that comes back after its holder's deadline
 * makes the attempt the holder never finished; a late copy of a finished attempt POSTs nothing.
 */
describe('one POST per delivery attempt, however many copies of its message arrive', () => {
  let context: Awaited<ReturnType<typeof lossyTable>>;
  let webhooks: DynamoDbWebhookStore;

  beforeAll(async () => {
    context = await lossyTable(inject('dynamodbEndpoint'), 'delivery-claim');
    webhooks = new DynamoDbWebhookStore(context.db, context.tableName);
  });
  afterAll(async () => {
    await context.proxy.stop();
  });

  let endpoints = 0;
  /** An endpoint of its own, a receiver, a clock at the real time and one event's first message. */
  async function world() {
    const endpoint = anEndpoint(`whk_claim${++endpoints}`, ['OutboundCallStatusChanged'], {
      accountId: context.accountId,
    });
    await webhooks.createEndpoint(endpoint);
    const receiver = new Receiver();
    const queue = new FakeDeliveryQueue();
    const clock = new FakeClock(new Date());
    const deps: DeliveryDeps = {
      webhooks,
      queue,
      sender: receiver,
      urlPolicy: new FakeUrlPolicy(),
      clock,
      metrics: new InMemoryMetrics(),
      random: () => 0.5,
      retryWindowSeconds: 86_400,
      backoffUnitSeconds: 1,
    };
    const [event] = eventsForChange(null, aCall({ accountId: context.accountId }, clock.now()));
    if (!event) throw new Error('a new call makes an event');
    const message: DeliveryMessage = {
      accountId: context.accountId,
      endpointId: endpoint.id,
      event,
      attempt: 1,
      firstAttemptAt: clock.now().toISOString(),
      chainId: 'chain_1',
      redelivery: false,
    };
    /** An invocation's deadline, `seconds` from the clock's now. */
    const deadline = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);
    return { endpoint, receiver, queue, clock, deps, message, deadline };
  }

  it('POSTs once for two copies of one message handled at the same moment', async () => {
    const { receiver, queue, clock, deps, message, deadline } = await world();
    // The first copy is mid-POST: the second stops at the claim instead of POSTing as well.
    const { first, second } = await twoCopiesAtOnce(receiver, () => deliverEvent(deps, message, deadline(30)));
    expect(receiver.posts).toBe(1);
    // The copy was queued again to look once the first's deadline has passed (SQS may have
    // deleted the message on the copy's acknowledgement: the look is what stays of it).
    expect(second).toBe('in_flight');
    expect(queue.sent).toEqual([{ message, delaySeconds: 31 }]);
    expect(await first).toBe('delivered');
    clock.advance(31);
    expect(await deliverEvent(deps, message, deadline(30))).toBe('already_delivered');
    expect(receiver.posts).toBe(1);
  });

  it('gives the attempt to exactly one of many copies claiming it at once', async () => {
    const { endpoint, clock, message, deadline } = await world();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        webhooks.claimDelivery({
          eventId: message.event.id,
          endpointId: endpoint.id,
          chainId: message.chainId,
          attempt: 1,
          heldUntil: deadline(30),
          leaseUntil: deadline(900),
          now: clock.now(),
          again: false,
        }),
      ),
    );
    expect(results.filter((result) => result.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result.kind === 'busy')).toHaveLength(7);
  });

  it('makes the attempt when a copy comes back after its holder died without finishing it', async () => {
    const { endpoint, receiver, queue, clock, deps, message, deadline } = await world();
    // An invocation claimed the attempt (as deliverEvent does) and crashed before its POST.
    const held = await webhooks.claimDelivery({
      eventId: message.event.id,
      endpointId: endpoint.id,
      chainId: message.chainId,
      attempt: message.attempt,
      heldUntil: deadline(30),
      leaseUntil: deadline(900),
      now: clock.now(),
      again: false,
    });
    expect(held).toEqual({ kind: 'claimed' });
    expect(await deliverEvent(deps, message, deadline(30))).toBe('in_flight');
    expect(queue.sent.map((sent) => sent.delaySeconds)).toEqual([31]);
    expect(receiver.posts).toBe(0);
    // SQS hands the message out again after its visibility timeout, past the holder's deadline.
    clock.advance(31);
    expect(await deliverEvent(deps, message, deadline(30))).toBe('delivered');
    expect(receiver.posts).toBe(1);
  });

  it('POSTs nothing for a late copy of an attempt that failed, and makes the next attempt', async () => {
    const { receiver, queue, clock, deps, message, deadline } = await world();
    receiver.statusCode = 503;
    expect(await deliverEvent(deps, message, deadline(30))).toBe('retry');
    const next = queue.sent[0]?.message;
    expect(next).toMatchObject({ attempt: 2, chainId: 'chain_1' });
    // Past the first invocation's deadline, before the next attempt's time: the copy is done with.
    clock.advance(31);
    expect(await deliverEvent(deps, message, deadline(30))).toBe('duplicate');
    expect(receiver.posts).toBe(1);
    receiver.statusCode = 200;
    clock.advance(queue.sent[0]?.delaySeconds ?? 0);
    expect(await deliverEvent(deps, next as DeliveryMessage, deadline(30))).toBe('delivered');
    expect(receiver.posts).toBe(2);
    // A copy of attempt 1 arriving after all that finds the event delivered.
    expect(await deliverEvent(deps, message, deadline(30))).toBe('already_delivered');
  });

  it('keeps the attempt its own when the claim’s answer was lost and the SDK sent it again', async () => {
    const { receiver, deps, message, deadline } = await world();
    const before = context.proxy.lost();
    context.proxy.loseAnswers(
      (request: ProxiedRequest) =>
        request.target.endsWith('.UpdateItem') &&
        request.body.includes(message.event.id) &&
        request.body.includes(':attempt'),
    );
    expect(await deliverEvent(deps, message, deadline(30))).toBe('delivered');
    expect(context.proxy.lost() - before).toBe(1);
    expect(receiver.posts).toBe(1);
  });

  it('POSTs a requested redelivery once, however many copies of its message arrive', async () => {
    const { receiver, queue, deps, message, deadline } = await world();
    expect(await deliverEvent(deps, message, deadline(30))).toBe('delivered');
    const redelivery = { ...message, chainId: 'chain_redelivery', redelivery: true };
    const { first, second } = await twoCopiesAtOnce(receiver, () => deliverEvent(deps, redelivery, deadline(30)));
    expect(second).toBe('in_flight');
    expect(await first).toBe('delivered');
    // The copy's look, once the first's deadline has passed, finds it delivered by its own chain.
    expect(queue.sent).toEqual([{ message: redelivery, delaySeconds: 31 }]);
    expect(await deliverEvent(deps, redelivery, deadline(30))).toBe('already_delivered');
    expect(receiver.posts).toBe(2);
    // Another redelivery asked for afterwards is sent.
    expect(await deliverEvent(deps, { ...redelivery, chainId: 'chain_redelivery_2' }, deadline(30))).toBe('delivered');
    expect(receiver.posts).toBe(3);
  });

  it('makes a failed attempt again, rather than never, when its next attempt could not be queued', async () => {
    const { receiver, queue, clock, deps, message, deadline } = await world();
    receiver.statusCode = 503;
    const send = queue.send.bind(queue);
    queue.send = async () => {
      throw Object.assign(new Error('SQS did not answer'), { name: 'TimeoutError' });
    };
    await expect(deliverEvent(deps, message, deadline(30))).rejects.toThrow('SQS did not answer');
    queue.send = send;
    // SQS hands the message out again after its visibility timeout: the attempt is made again.
    clock.advance(180);
    receiver.statusCode = 200;
    expect(await deliverEvent(deps, message, deadline(30))).toBe('delivered');
    expect(receiver.posts).toBe(2);
  });

  it('answers a late copy of a parked event’s last attempt as done', async () => {
    const { receiver, queue, clock, deps, message, deadline } = await world();
    receiver.statusCode = 500;
    clock.advance(86_400);
    expect(await deliverEvent(deps, message, deadline(30))).toBe('parked');
    expect(queue.parked).toHaveLength(1);
    clock.advance(31);
    // The endpoint is disabled now; enabled again, the late copy still POSTs nothing.
    const endpoint = await webhooks.getEndpoint(message.accountId, message.endpointId);
    await webhooks.saveEndpoint({ ...(endpoint as NonNullable<typeof endpoint>), enabled: true, disabledReason: null });
    expect(await deliverEvent(deps, message, deadline(30))).toBe('duplicate');
    expect(receiver.posts).toBe(1);
    expect(queue.parked).toHaveLength(1);
  });

  it('lets the chain that holds a claim written before attempts were kept go on, and no other', async () => {
    const { endpoint, receiver, clock, deps, message, deadline } = await world();
    await context.db.send(
      new PutCommand({
        TableName: context.tableName,
        Item: {
          ...keys.delivered(message.event.id, endpoint.id),
          state: 'sending',
          chainId: 'chain_1',
          leaseUntil: clock.now().getTime() + 900_000,
        },
      }),
    );
    expect(await deliverEvent(deps, { ...message, chainId: 'chain_2' }, deadline(30))).toBe('duplicate');
    expect(await deliverEvent(deps, { ...message, attempt: 2 }, deadline(30))).toBe('delivered');
    expect(receiver.posts).toBe(1);
  });

  it('writes the claim by the rule of domain/delivery-claim.ts, whatever the item it finds', async () => {
    const now = Date.now();
    const time = fc.constantFrom(now - 60_000, now + 60_000);
    const chain = fc.constantFrom('chain_a', 'chain_b');
    const sending = fc.record(
      {
        state: fc.constant('sending' as const),
        chainId: chain,
        attempt: fc.integer({ min: 1, max: 3 }),
        heldUntil: time,
        doneAttempt: fc.integer({ min: 1, max: 3 }),
        leaseUntil: time,
      },
      { requiredKeys: ['state', 'chainId', 'leaseUntil'] },
    );
    const delivered = fc.record(
      { state: fc.constant('delivered' as const), deliveredBy: chain },
      { requiredKeys: ['state'] },
    );
    let events = 0;
    await fc.assert(
      // Ten cases a run, written and claimed at once (each on an item of its own): 150 in all.
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.option(fc.oneof(sending, delivered), { nil: undefined }),
            fc.record({ chainId: chain, attempt: fc.integer({ min: 1, max: 3 }), again: fc.boolean() }),
          ),
          { minLength: 10, maxLength: 10 },
        ),
        async (cases) => {
          await Promise.all(
            cases.map(async ([item, ask]: [DeliveryClaimItem | undefined, (typeof cases)[number][1]]) => {
              const eventId = `evt_rule${++events}_${now}`;
              const key = keys.delivered(eventId, 'whk_rule');
              if (item)
                await context.db.send(new PutCommand({ TableName: context.tableName, Item: { ...key, ...item } }));
              const claim = { ...ask, now: new Date(now), eventId, endpointId: 'whk_rule' };
              const result = await webhooks.claimDelivery({
                ...claim,
                heldUntil: new Date(now + 30_000),
                leaseUntil: new Date(now + 900_000),
              });
              const expected = claimable(claim, item)
                ? { kind: 'claimed' }
                : claimRefusal(claim, item as DeliveryClaimItem);
              expect({ item, ask, result }).toEqual({ item, ask, result: expected });
            }),
          );
        },
      ),
      { numRuns: 15 },
    );
  });
});
