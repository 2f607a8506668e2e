import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { createAccount } from '#use-cases/manage-directory';
import { ensureTable } from '../../local/tables.ts';

const run = promisify(execFile);

/**
 * An agent's default first message reaches TwiML like a call's overrideFirstMessage, so the admin
 * command holds it to the same rule (functions/domain/text.ts): a character TwiML cannot carry is
 * refused with one clear line, and nothing is created.
 */
describe('npm run admin -- create-agent', () => {
  let tableName: string;
  let directory: DynamoDbDirectory;
  const env = () => ({
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const admin = (...args: string[]) =>
    run('npx', ['tsx', 'tools/admin/cli.ts', ...args, '--table', tableName], { env: env() }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  beforeAll(async () => {
    Object.assign(process.env, env());
    tableName = `admin-${randomUUID().slice(0, 8)}`;
    const client = new DynamoDBClient({});
    await ensureTable(client, tableName);
    directory = new DynamoDbDirectory(createDocumentClient(client), tableName);
    await createAccount({ directory, clock: systemClock }, { id: 'acc_admin', name: 'Admin' });
  });

  it.each([
    ['a control character (before: accepted)', 'Hello\u0001 there', 'U+0001'],
    ['DEL', 'Hello\u007F there', 'U+007F'],
    ['U+FFFF', 'Hello \uFFFF', 'U+FFFF'],
  ])(
    'refuses a first message with %s in one line, creating nothing',
    async (_name, message, character) => {
      const result = await admin(
        'create-agent',
        '--account',
        'acc_admin',
        '--name',
        'Bad',
        '--first-message',
        message,
        '--id',
        'agt_bad',
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `The default first message contains ${character}, a character that a call's instructions to the phone network (TwiML) cannot carry; remove it.`,
      ]);
      expect(await directory.getAgent('acc_admin', 'agt_bad')).toBeNull();
    },
    60_000,
  );

  it('creates an agent whose first message is clean, tabs and new lines included', async () => {
    const result = await admin(
      'create-agent',
      '--account',
      'acc_admin',
      '--name',
      'Good',
      '--first-message',
      'Hi,\tthis is Aria.\nHow are you?',
      '--id',
      'agt_good',
    );
    expect(result.code).toBe(0);
    expect((await directory.getAgent('acc_admin', 'agt_good'))?.defaultFirstMessage).toBe(
      'Hi,\tthis is Aria.\nHow are you?',
    );
  }, 300_000);
});
