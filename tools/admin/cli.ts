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

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
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
  },
});

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

class UsageError extends Error {}

function target(): { tableName: string; where: string } {
  const table = values.table ?? process.env.TABLE_NAME;
  if (table) return { tableName: table, where: `table ${table} (${process.env.AWS_REGION ?? 'default region'})` };
  const config = localConfig();
  if (!existsSync(config.stateFile)) {
    throw new UsageError(
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
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
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
      if (!account) throw new UsageError(`No account ${accountId} in ${where}.`);
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
      throw new UsageError(`Unknown command ${command}.\n\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ServiceError) {
    console.error(error.message);
  } else {
    console.error('The admin command failed:', error);
  }
  process.exit(1);
});
