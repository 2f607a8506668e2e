import { CallingWindowSchema, WEEKDAYS, type CallingWindow } from '#schemas/calling-window';

/** A window option the command cannot send: its message names the option (`--days: …`). */
export class WindowOptionError extends Error {}

/** The command line's window options, as parseArgs gives them (each a string or absent). */
export interface WindowOptions {
  /** `HH:MM-HH:MM`, local time: from (inclusive) to (exclusive), as the API's start and end. */
  window?: string;
  /** Comma-separated days such as `mon,tue,wed`; default every day. */
  days?: string;
  /** `callee` (the default: each number's own zone) or an IANA zone. */
  'time-zone'?: string;
  /** IANA zone for numbers whose area tells none. */
  'default-time-zone'?: string;
}

const OPTION_OF_FIELD: Record<string, string> = {
  days: '--days',
  timeZone: '--time-zone',
  defaultTimeZone: '--default-time-zone',
};

/**
 * --window, --days, --time-zone and --default-time-zone as the campaigns API's callingWindow,
 * checked with the API's own schema (#schemas/calling-window, docs/api.md#calling-windows), so the
 * command refuses before sending what the API would refuse. Undefined without --window. Throws
 * WindowOptionError naming the option at fault (a zone option without --window included).
 */
export function windowFromOptions(options: WindowOptions): CallingWindow | undefined {
  if (options.window === undefined) {
    const stray = (['days', 'time-zone', 'default-time-zone'] as const).find((name) => options[name] !== undefined);
    if (stray) throw new WindowOptionError(`--${stray} needs --window (such as --window 09:00-20:00).`);
    return undefined;
  }
  const hours = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(options.window);
  if (!hours)
    throw new WindowOptionError(
      `--window must be two local times HH:MM-HH:MM, such as 09:00-20:00 (got "${options.window.slice(0, 40)}").`,
    );
  const parsed = CallingWindowSchema.safeParse({
    days: options.days !== undefined ? options.days.split(',').map((day) => day.trim()) : [...WEEKDAYS],
    start: hours[1],
    end: hours[2],
    timeZone: options['time-zone'] ?? 'callee',
    ...(options['default-time-zone'] !== undefined ? { defaultTimeZone: options['default-time-zone'] } : {}),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = OPTION_OF_FIELD[String(issue?.path[0])] ?? '--window';
  throw new WindowOptionError(`${option}: ${issue?.message.replace(/callingWindow\./g, '') ?? 'not a calling window'}`);
}
