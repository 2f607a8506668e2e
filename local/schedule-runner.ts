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
 * Emulators keep schedules but never fire them. This runner does what EventBridge Scheduler
 * does for the service's one-time `at()` schedules: when one is due it sends its input to its
 * SQS target, then deletes it (ActionAfterCompletion DELETE).
 */
export function startScheduleRunner(options: {
  scheduler: SchedulerClient;
  sqs: SQSClient;
  groupName: string;
  intervalMs?: number;
  /** Reports failed rounds; by default one line per streak. */
  failures?: FailureLog;
}): () => Promise<void> {
  let running = true;
  const failures = options.failures ?? failureLog('The schedule runner');
  const queueUrls = new Map<string, string>();
  const queueUrl = async (arn: string) => {
    let url = queueUrls.get(arn);
    if (!url) {
      url = (await options.sqs.send(new GetQueueUrlCommand({ QueueName: arn.split(':').at(-1) }))).QueueUrl as string;
      queueUrls.set(arn, url);
    }
    return url;
  };

  const tick = async () => {
    // The whole list first: deleting while paging would invalidate the page token.
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await options.scheduler.send(
        new ListSchedulesCommand({ GroupName: options.groupName, NextToken: nextToken }),
      );
      names.push(...(page.Schedules ?? []).map((summary) => summary.Name as string));
      nextToken = page.NextToken;
    } while (nextToken);
    for (const name of names) {
      const schedule = await options.scheduler
        .send(new GetScheduleCommand({ Name: name, GroupName: options.groupName }))
        .catch((error: unknown) => {
          if (error instanceof ResourceNotFoundException) return null;
          throw error;
        });
      const at = /^at\((.+)\)$/.exec(schedule?.ScheduleExpression ?? '')?.[1];
      if (!schedule || !at || Date.parse(`${at}Z`) > Date.now() || !schedule.Target?.Arn) continue;
      await options.sqs.send(
        new SendMessageCommand({
          QueueUrl: await queueUrl(schedule.Target.Arn),
          MessageBody: schedule.Target.Input ?? '{}',
        }),
      );
      await options.scheduler
        .send(new DeleteScheduleCommand({ Name: name, GroupName: options.groupName }))
        .catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        });
    }
  };

  const loop = (async () => {
    while (running) {
      await tick().then(failures.succeeded, (error: unknown) => running && failures.failed(error));
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
