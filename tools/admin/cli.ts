// The Lambda functions run on Node.js 22; the SDK's notice about local Node.js 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { ServiceError } from '#domain/errors';
import { systemClock } from '#ports/clock';
import { KeyModeSchema } from '#schemas/call';
import { addNumber, createAccount, createAgent, issueApiKey, revokeApiKey } from '#use-cases/manage-directory';
import { localConfig, type LocalStackState } from '../../local/config.ts';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-account --name <name> [--id <accountId>] [--concurrent-calls <n>]
  create-key     --account <accountId> [--mode test|live]      prints the key once
  list-keys      --account <accountId>
  revoke-key     --account <accountId> --key-id <keyId>
  create-agent   --account <accountId> --name <name> --first-message <text> [--id <agentId>]
  add-number     --account <accountId> --number <+E164> [--agent <agentId>] [--default]
  show-account   --account <accountId>                         agents, numbers and keys

Target: the running local stack (npm start), unless --table <name> or TABLE_NAME names a
deployed table; then the AWS SDK's usual credentials, AWS_REGION and AWS_PROFILE apply.`;

const OPTIONS = {
  name: { type: 'string' },
  id: { type: 'string' },
  'concurrent-calls': { type: 'string' },
  account: { type: 'string' },
  mode: { type: 'string', default: 'test' },
  'key-id': { type: 'string' },
  'first-message': { type: 'string' },
  number: { type: 'string' },
  agent: { type: 'string' },
  default: { type: 'boolean', default: false },
  table: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A command line the tool cannot run: one line, then the usage; exit code 2. */
class UsageError extends Error {}
/** Something in the way of a well-formed command (no local stack, no such account): one line; exit code 1. */
class Problem extends Error {}

function commandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const { positionals, values } = (() => {
  try {
    return commandLine();
  } catch (error) {
    exitWith(error);
  }
})();

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

function target(): { tableName: string; where: string } {
  const table = values.table ?? process.env.TABLE_NAME;
  if (table) return { tableName: table, where: `table ${table} (${process.env.AWS_REGION ?? 'default region'})` };
  const config = localConfig();
  if (!existsSync(config.stateFile)) {
    throw new Problem(
      'No local stack is running: start it with `npm start`, or pass --table <name> to use a deployed table.',
    );
  }
  const state = JSON.parse(readFileSync(config.stateFile, 'utf8')) as LocalStackState;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: state.dynamodbEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  });
  return { tableName: state.tableName, where: `the local stack (${state.dynamodbEndpoint})` };
}

async function main(): Promise<void> {
  const command = positionals[0];
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!command) throw new UsageError('Name a command.');
  const { tableName, where } = target();
  const directory = new DynamoDbDirectory(createDocumentClient(), tableName);
  const deps = { directory, clock: systemClock };

  switch (command) {
    case 'create-account': {
      const limit = values['concurrent-calls'];
      const account = await createAccount(deps, {
        name: required('name'),
        id: values.id,
        concurrentCallLimit: limit === undefined ? undefined : Number(limit),
      });
      console.log(`Created account ${account.id} in ${where}.`);
      break;
    }
    case 'create-key': {
      const mode = KeyModeSchema.safeParse(values.mode);
      if (!mode.success) throw new UsageError('--mode must be test or live.');
      const { key, secret } = await issueApiKey(deps, { accountId: required('account'), mode: mode.data });
      console.log(
        `Created ${key.mode} key ${key.id} for account ${key.accountId}. It is shown once; store it now:\n\n  ${secret}\n`,
      );
      break;
    }
    case 'list-keys': {
      const keys = await directory.listApiKeys(required('account'));
      for (const key of keys) {
        console.log(
          `${key.id}  ${key.mode}  ${key.hint}  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}`,
        );
      }
      if (keys.length === 0) console.log('No keys.');
      break;
    }
    case 'revoke-key': {
      await revokeApiKey(deps, { accountId: required('account'), keyId: required('key-id') });
      console.log(
        `Revoked ${values['key-id']}. Deployed APIs may accept it for up to the authorizer cache time (5 minutes).`,
      );
      break;
    }
    case 'create-agent': {
      const agent = await createAgent(deps, {
        accountId: required('account'),
        name: required('name'),
        defaultFirstMessage: required('first-message'),
        id: values.id,
      });
      console.log(`Created agent ${agent.id} in account ${agent.accountId}. Give it a number with add-number.`);
      break;
    }
    case 'add-number': {
      await addNumber(deps, {
        accountId: required('account'),
        number: required('number'),
        agentId: values.agent,
        makeDefault: values.default,
      });
      console.log(
        `Added ${values.number} to account ${values.account}${values.agent ? ` and assigned it to ${values.agent}` : ''}.`,
      );
      break;
    }
    case 'show-account': {
      const accountId = required('account');
      const account = await directory.getAccount(accountId);
      if (!account) throw new Problem(`No account ${accountId} in ${where}.`);
      console.log(
        JSON.stringify(
          {
            account,
            agents: await directory.listAgents(accountId),
            numbers: await directory.listNumbers(accountId),
            keys: (await directory.listApiKeys(accountId)).map(({ hash: _hash, ...key }) => key),
          },
          null,
          2,
        ),
      );
      break;
    }
    default:
      throw new UsageError(`Unknown command ${command}.`);
  }
}

/** Ends the process for `error` in one line, no stack trace: a usage error with the usage and exit code 2. */
function exitWith(error: unknown): never {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const known = error instanceof Problem || error instanceof ServiceError;
  console.error(
    known ? error.message : `The admin command failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

main().catch(exitWith);
