import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { failureLog, type FailureLog } from './failure-log.ts';

/**
 * The longest the runner sleeps between lists of the group. Schedules fire SCHEDULE_LEAD_SECONDS
 * (60 s) before the call is due and the dialer waits out the rest, and calls due within two
 * minutes skip the Scheduler (functions/use-cases/dispatch-call.ts), so a schedule noticed up to
 * 10 seconds after it was created still fires in time: at rest the runner costs 6 requests a minute.
 */
export const SCHEDULE_LIST_EVERY_MS = 10_000;
/** The shortest pause between rounds, so schedules due together are sent in one round. */
const SHORTEST_PAUSE_MS = 250;

interface KnownSchedule {
  /** The schedule's LastModificationDate when it was read: a changed schedule is read again. */
  version: string;
  /** When it fires (ms since the epoch), or null for an expression other than at(). */
  dueAt: number | null;
  targetArn: string | undefined;
  input: string | undefined;
}

/**
 * Emulators keep schedules but never fire them. This runner does what EventBridge Scheduler
 * does for the service's one-time `at()` schedules: when one is due it sends its input to its
 * SQS target, then deletes it (ActionAfterCompletion DELETE).
 *
 * Each round lists the group (ListSchedules, a page of up to 100 per request) and reads only the
 * schedules it has not seen, or that changed since (GetSchedule); it remembers when each fires,
 * sends and deletes the due ones, and sleeps until the next one is due or SCHEDULE_LIST_EVERY_MS,
 * whichever comes first.
 */
export function startScheduleRunner(options: {
  scheduler: SchedulerClient;
  sqs: SQSClient;
  groupName: string;
  /** The longest pause between rounds (SCHEDULE_LIST_EVERY_MS). */
  intervalMs?: number;
  /** Reports failed rounds; by default one line per streak. */
  failures?: FailureLog;
}): () => Promise<void> {
  let running = true;
  let wake = () => {};
  const longestPauseMs = options.intervalMs ?? SCHEDULE_LIST_EVERY_MS;
  const failures = options.failures ?? failureLog('The schedule runner');
  const queueUrls = new Map<string, string>();
  const known = new Map<string, KnownSchedule>();
  const queueUrl = async (arn: string) => {
    let url = queueUrls.get(arn);
    if (!url) {
      url = (await options.sqs.send(new GetQueueUrlCommand({ QueueName: arn.split(':').at(-1) }))).QueueUrl as string;
      queueUrls.set(arn, url);
    }
    return url;
  };

  /** One round; resolves to when the next known schedule is due (ms since the epoch), or Infinity. */
  const tick = async (): Promise<number> => {
    // The whole list first: deleting while paging would invalidate the page token.
    const listed = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await options.scheduler.send(
        new ListSchedulesCommand({ GroupName: options.groupName, NextToken: nextToken }),
      );
      for (const summary of page.Schedules ?? []) {
        listed.set(summary.Name as string, String(summary.LastModificationDate?.getTime() ?? ''));
      }
      nextToken = page.NextToken;
    } while (nextToken);
    for (const name of known.keys()) if (!listed.has(name)) known.delete(name);

    let nextDue = Number.POSITIVE_INFINITY;
    for (const [name, version] of listed) {
      let schedule = known.get(name);
      if (schedule?.version !== version) {
        const read = await options.scheduler
          .send(new GetScheduleCommand({ Name: name, GroupName: options.groupName }))
          .catch((error: unknown) => {
            if (error instanceof ResourceNotFoundException) return null;
            throw error;
          });
        if (!read) continue;
        const at = /^at\((.+)\)$/.exec(read.ScheduleExpression ?? '')?.[1];
        schedule = {
          version,
          dueAt: at ? Date.parse(`${at}Z`) : null,
          targetArn: read.Target?.Arn,
          input: read.Target?.Input,
        };
        known.set(name, schedule);
      }
      if (schedule.dueAt === null || Number.isNaN(schedule.dueAt) || !schedule.targetArn) continue;
      if (schedule.dueAt > Date.now()) {
        nextDue = Math.min(nextDue, schedule.dueAt);
        continue;
      }
      await options.sqs.send(
        new SendMessageCommand({
          QueueUrl: await queueUrl(schedule.targetArn),
          MessageBody: schedule.input ?? '{}',
        }),
      );
      await options.scheduler
        .send(new DeleteScheduleCommand({ Name: name, GroupName: options.groupName }))
        .catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        });
      known.delete(name);
    }
    return nextDue;
  };

  const loop = (async () => {
    while (running) {
      const nextDue = await tick().then(
        (due) => {
          failures.succeeded();
          return due;
        },
        (error: unknown) => {
          if (running) failures.failed(error);
          // Try again soon: a due schedule may be waiting on the failed round.
          return Date.now() + 1000;
        },
      );
      const pauseMs = Math.max(SHORTEST_PAUSE_MS, Math.min(longestPauseMs, nextDue - Date.now()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pauseMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return async () => {
    running = false;
    wake();
    await loop;
  };
}
