import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '#ports/clock';
import type { KeyMode } from '#schemas/call';
import type { CallRateLimiter, SendReservation } from '#ports/telephony';
import { isConditionalCheckFailure, writeOnce } from './client.ts';
import { TABLE, keys } from './table-design.ts';

/** Enough for every contender of one idle-to-busy moment to be served; each try is one write. */
const MAX_TRIES = 8;

/**
 * The provider account's calls-per-second limit as a ticket counter in DynamoDB, one item per key
 * mode and limit, shared by every dialer of every Lambda. Time is cut into windows aligned to UTC seconds
 * (1 call/s: 1-second windows of one place; 10 calls/s: 1-second windows of ten places; 0.5
 * calls/s: 2-second windows of one place), and the places are numbered in order: place `p` lies
 * in window `floor(p / placesPerWindow)`. The item's `nextPlace` is the first place not yet given.
 *
 * A reservation is one `UpdateItem`: while there is a queue (`nextPlace` at or past the current
 * window's first place) it takes `nextPlace` and adds one; only when the counter has fallen behind
 * the clock (the limiter was idle) does a second write move it up to now. Contended callers are
 * thus ordered by DynamoDB's single-item serialisation rather than racing for one window.
 */
export class DynamoDbCallRateLimiter implements CallRateLimiter {
  private readonly windowMs: number;
  private readonly placesPerWindow: number;
  /** The last `nextPlace` this process saw, per mode: whether the queue is likely busy. */
  private readonly lastSeen = new Map<KeyMode, number>();
  /**
   * This process's reservations, one at a time per mode: the records of one batch then race no one
   * but other processes, and only the first of them can find the counter behind the clock.
   */
  private readonly inProcess = new Map<KeyMode, Promise<unknown>>();

  /**
   * `callsPerSecond` > 0; fractions above 1 round down (2.5 → 2 per second). `clock` times only
   * how long a reservation waited behind this process's earlier ones.
   */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    callsPerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.windowMs = callsPerSecond >= 1 ? 1000 : Math.ceil(1000 / callsPerSecond);
    this.placesPerWindow = Math.max(1, Math.floor(callsPerSecond));
  }

  /**
   * Rejects with the DynamoDB error when the table cannot be written, or with an Error when every
   * try lost to another caller moving the counter (MAX_TRIES writes, not seen in practice).
   */
  reserve(mode: KeyMode, now: Date): Promise<SendReservation> {
    const previous = this.inProcess.get(mode) ?? Promise.resolve();
    // `now` was read before waiting for this process's earlier reservations: move it on by that
    // wait, so a busy moment is not handed places that have already passed.
    const queuedAt = this.clock.now().getTime();
    const reserveFromNow = () => this.reserveNow(mode, new Date(now.getTime() + this.clock.now().getTime() - queuedAt));
    const reservation = previous.then(reserveFromNow, reserveFromNow);
    this.inProcess.set(mode, reservation);
    return reservation;
  }

  private async reserveNow(mode: KeyMode, now: Date): Promise<SendReservation> {
    const firstPlaceNow = Math.floor(now.getTime() / this.windowMs) * this.placesPerWindow;
    let queueLikely = (this.lastSeen.get(mode) ?? -1) >= firstPlaceNow;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const place = queueLikely ? await this.takeNext(mode, firstPlaceNow) : await this.catchUp(mode, firstPlaceNow);
      if (place !== null) {
        this.lastSeen.set(mode, place + 1);
        return this.reservationFor(place);
      }
      queueLikely = !queueLikely;
    }
    throw new Error('Could not reserve a moment within the calls-per-second limit: the counter kept moving');
  }

  /**
   * The next place of a queue that reaches now; null when the counter lags the clock. Through
   * writeOnce, keeping the place it took in `lastTaken`: a repeat of a take that landed answers
   * with that place instead of taking a second one.
   */
  private async takeNext(mode: KeyMode, firstPlaceNow: number): Promise<number | null> {
    try {
      const result = await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: this.counterKey(mode),
          // SET reads the item as it was: lastTaken is the place this write took.
          UpdateExpression: 'SET lastTaken = nextPlace, nextPlace = nextPlace + :one, #ttl = :expires',
          ConditionExpression: 'nextPlace >= :firstPlaceNow',
          ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':one': 1,
            ':firstPlaceNow': firstPlaceNow,
            ':expires': this.expiry(firstPlaceNow),
          },
          ReturnValues: 'ALL_NEW',
        },
      });
      return Number(result.Attributes?.lastTaken);
    } catch (error) {
      if (isConditionalCheckFailure(error)) return null;
      throw error;
    }
  }

  /**
   * The first place of the current window, when the counter lags the clock; null otherwise.
   * Through writeOnce: a repeat of a catch-up that landed keeps its place rather than queueing
   * behind it.
   */
  private async catchUp(mode: KeyMode, firstPlaceNow: number): Promise<number | null> {
    try {
      await writeOnce(this.db, {
        update: {
          TableName: this.tableName,
          Key: this.counterKey(mode),
          UpdateExpression: 'SET nextPlace = :following, #ttl = :expires',
          ConditionExpression: 'attribute_not_exists(nextPlace) OR nextPlace < :firstPlaceNow',
          ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':following': firstPlaceNow + 1,
            ':firstPlaceNow': firstPlaceNow,
            ':expires': this.expiry(firstPlaceNow),
          },
        },
      });
      return firstPlaceNow;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return null;
      throw error;
    }
  }

  /**
   * One counter per mode and per limit: places are numbered in windows of the limit, so a new
   * `PROVIDER_CALLS_PER_SECOND` starts a new queue rather than reading another's numbers.
   */
  private counterKey(mode: KeyMode) {
    return keys.callRate(`${mode}#${this.placesPerWindow}per${this.windowMs}ms`);
  }

  private reservationFor(place: number): SendReservation {
    const window = Math.floor(place / this.placesPerWindow);
    return { sendAt: new Date(window * this.windowMs), sendBy: new Date((window + 1) * this.windowMs) };
  }

  /** The counter item outlives any queue by a day (epoch seconds, DynamoDB TTL). */
  private expiry(firstPlaceNow: number): number {
    return Math.floor(((firstPlaceNow / this.placesPerWindow) * this.windowMs) / 1000) + 86_400;
  }
}
