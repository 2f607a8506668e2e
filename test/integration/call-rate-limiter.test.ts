import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbCallRateLimiter } from '#adapters/dynamodb/call-rate-limiter';
import type { SendReservation } from '#ports/telephony';
import { ensureTable } from '../../local/tables.ts';

/**
 * The calls-per-second limiter against DynamoDB Local: many dialers in several processes (one
 * limiter each) reserving at once get ordered places, no UTC second holds more than the limit,
 * and contention costs almost no failed conditional writes.
 */
describe('calls-per-second limiter', () => {
  let tableName: string;
  let failedWrites = 0;
  const frozen = { now: () => new Date('2031-03-01T00:00:00Z') };
  const dialers = (count: number, callsPerSecond: number) =>
    Array.from({ length: count }, () => {
      const db = createDocumentClient(new DynamoDBClient({}));
      db.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            if ((error as Error).name === 'ConditionalCheckFailedException') failedWrites++;
            throw error;
          }
        },
        { step: 'initialize', name: 'countFailedWrites' },
      );
      // The instants below are made up: time stands still for the limiter while they queue.
      return new DynamoDbCallRateLimiter(db, tableName, callsPerSecond, frozen);
    });

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    tableName = `rate-${randomUUID().slice(0, 8)}`;
    await ensureTable(new DynamoDBClient({}), tableName);
  });

  const perSecond = (places: SendReservation[]) => {
    const counts = new Map<number, number>();
    for (const place of places) counts.set(place.sendAt.getTime(), (counts.get(place.sendAt.getTime()) ?? 0) + 1);
    return counts;
  };

  it('gives 120 callers due at one instant 12 full seconds of places at 10 calls/s', async () => {
    failedWrites = 0;
    const now = new Date('2031-03-01T10:00:00.400Z');
    const limiters = dialers(4, 10);
    const places = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (limiters[i % limiters.length] as DynamoDbCallRateLimiter).reserve('live', now),
      ),
    );
    const counts = perSecond(places);
    expect([...counts.values()].every((count) => count === 10)).toBe(true);
    const seconds = [...counts.keys()].sort((a, b) => a - b);
    expect(seconds).toEqual(Array.from({ length: 12 }, (_, i) => Date.parse('2031-03-01T10:00:00Z') + i * 1000));
    expect(places.every((place) => place.sendBy.getTime() - place.sendAt.getTime() === 1000)).toBe(true);
    // Only processes that found the counter behind the clock lost a write, once each.
    expect(failedWrites).toBeLessThanOrEqual(limiters.length - 1);
  });

  it('keeps each mode its own queue, restarts at the clock after a quiet spell, and keeps 0.5 calls/s to one per 2 s', async () => {
    const limiter = dialers(1, 0.5)[0] as DynamoDbCallRateLimiter;
    const first = await limiter.reserve('test', new Date('2031-03-01T11:00:00.500Z'));
    const second = await limiter.reserve('test', new Date('2031-03-01T11:00:00.600Z'));
    const live = await limiter.reserve('live', new Date('2031-03-01T11:00:00.600Z'));
    expect(first).toEqual({ sendAt: new Date('2031-03-01T11:00:00Z'), sendBy: new Date('2031-03-01T11:00:02Z') });
    expect(second.sendAt).toEqual(new Date('2031-03-01T11:00:02Z'));
    expect(live.sendAt).toEqual(new Date('2031-03-01T11:00:00Z'));
    // The live queue of the first test (10 calls/s) is another limit's: its numbers are not read.
    expect(live.sendBy).toEqual(new Date('2031-03-01T11:00:02Z'));
    // An hour later the queue is empty: the next caller goes now, not an hour behind.
    const later = await (dialers(1, 0.5)[0] as DynamoDbCallRateLimiter).reserve(
      'test',
      new Date('2031-03-01T12:00:01Z'),
    );
    expect(later.sendAt).toEqual(new Date('2031-03-01T12:00:00Z'));
  });

  it("hands a reservation that waited behind this process's others no place that passed meanwhile", async () => {
    // Time moves 5 s while the first write is in flight (a loaded machine), and stands still otherwise.
    let elapsedMs = 0;
    const db = createDocumentClient(new DynamoDBClient({}));
    db.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        elapsedMs += 5000;
        return result;
      },
      { step: 'initialize', name: 'slowWrites' },
    );
    const clock = { now: () => new Date(Date.parse('2031-03-02T09:00:00Z') + elapsedMs) };
    const limiter = new DynamoDbCallRateLimiter(db, tableName, 1, clock);
    const askedAt = new Date('2031-03-02T09:00:00.300Z');
    const [first, second] = await Promise.all([limiter.reserve('live', askedAt), limiter.reserve('live', askedAt)]);
    expect(first?.sendAt).toEqual(new Date('2031-03-02T09:00:00Z'));
    // Asked for at 09:00:00.3 but served at 09:00:05.3: the place of 09:00:01 has passed by then.
    expect(second?.sendAt).toEqual(new Date('2031-03-02T09:00:05Z'));
  });
});
