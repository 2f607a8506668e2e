import { describe, expect, it } from 'vitest';
import { callingWindowRules } from '#domain/calling-window';
import { CallingWindowSchema } from '#schemas/calling-window';
import { callingWindowRulesFor } from '#use-cases/calling-window-rules';

describe('callingWindowRulesFor', () => {
  it('gives a call with a window the calling-window rules, loaded once', async () => {
    const window = CallingWindowSchema.parse({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '17:00',
      timeZone: 'America/New_York',
    });
    const rules = await callingWindowRulesFor(window);
    expect(rules).toBe(callingWindowRules);
    expect(await callingWindowRulesFor(window)).toBe(rules);
  });

  it('gives a call without a window rules that refuse to be asked, rather than a made-up opening', async () => {
    const rules = await callingWindowRulesFor(null);
    expect(rules).not.toBe(callingWindowRules);
    expect(() => rules.nextOpening(null as never, [], new Date())).toThrow(/without a calling window/);
  });
});
