import type { Clock } from '#ports/clock';

/** A clock that stands still until a test moves it. */
export class FakeClock implements Clock {
  constructor(public at: Date = new Date('2030-01-01T12:00:00Z')) {}

  now(): Date {
    return new Date(this.at.getTime());
  }

  /** Moves the clock forward by `seconds` (may be fractional). */
  advance(seconds: number): void {
    this.at = new Date(this.at.getTime() + seconds * 1000);
  }
}
