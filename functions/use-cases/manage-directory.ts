import { ulid } from 'ulid';
import { apiKeyHint, generateApiKey, hashApiKey } from '#domain/api-key';
import { invalidRequest } from '#domain/errors';
import { DIRECTORY_ID_PATTERN } from '#domain/ids';
import { disallowedCharacter } from '#domain/text';
import { toTimestamp } from '#domain/time';
import type { KeyMode } from '#schemas/call';
import { ACCOUNT_DEFAULTS, type Account, type Agent, type ApiKey } from '#schemas/directory';
import { isE164PhoneNumber } from '#schemas/phone-number';
import type { Clock } from '#ports/clock';
import type { Directory } from '#ports/directory';

/** Operator tasks behind `npm run admin` and the local stack's demo seed. */
export interface DirectoryDeps {
  directory: Directory;
  clock: Clock;
}

function checkId(id: string, field: string): string {
  if (!DIRECTORY_ID_PATTERN.test(id))
    throw invalidRequest('invalid_id', `${field} may use only letters, digits, _ and -, up to 64 characters.`, field);
  return id;
}

export async function createAccount(
  deps: DirectoryDeps,
  input: { name: string; id?: string; concurrentCallLimit?: number },
): Promise<Account> {
  const limit = input.concurrentCallLimit ?? ACCOUNT_DEFAULTS.concurrentCallLimit;
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalidRequest(
      'invalid_limit',
      'The concurrent call limit must be a positive integer.',
      'concurrentCallLimit',
    );
  }
  const account: Account = {
    id: checkId(input.id ?? `acc_${ulid()}`, 'accountId'),
    name: input.name,
    concurrentCallLimit: limit,
    createdAt: toTimestamp(deps.clock.now()),
  };
  await deps.directory.createAccount(account);
  return account;
}

/** Issues a key; the returned `secret` is the only time anyone sees it. Pass `secret` to install a known key. */
export async function issueApiKey(
  deps: DirectoryDeps,
  input: { accountId: string; mode: KeyMode; secret?: string },
): Promise<{ key: ApiKey; secret: string }> {
  const secret = input.secret ?? generateApiKey(input.mode);
  const key: ApiKey = {
    id: `key_${ulid()}`,
    accountId: input.accountId,
    mode: input.mode,
    hash: hashApiKey(secret),
    hint: apiKeyHint(secret),
    createdAt: toTimestamp(deps.clock.now()),
    revokedAt: null,
  };
  await deps.directory.createApiKey(key);
  return { key, secret };
}

export async function revokeApiKey(deps: DirectoryDeps, input: { accountId: string; keyId: string }): Promise<void> {
  await deps.directory.revokeApiKey(input.accountId, input.keyId, toTimestamp(deps.clock.now()));
}

export async function createAgent(
  deps: DirectoryDeps,
  input: { accountId: string; name: string; defaultFirstMessage: string; id?: string },
): Promise<Agent> {
  if (input.defaultFirstMessage.trim() === '') {
    throw invalidRequest(
      'invalid_first_message',
      'The default first message must not be empty.',
      'defaultFirstMessage',
    );
  }
  // The same rule as a call's overrideFirstMessage: the text reaches TwiML, which cannot carry it.
  const character = disallowedCharacter(input.defaultFirstMessage);
  if (character) {
    throw invalidRequest(
      'invalid_first_message',
      `The default first message contains ${character}, a character that a call's instructions to the phone network (TwiML) cannot carry; remove it.`,
      'defaultFirstMessage',
    );
  }
  const agent: Agent = {
    id: checkId(input.id ?? `agt_${ulid()}`, 'agentId'),
    accountId: input.accountId,
    name: input.name,
    defaultFirstMessage: input.defaultFirstMessage,
    numbers: [],
    defaultFromNumber: null,
    createdAt: toTimestamp(deps.clock.now()),
  };
  await deps.directory.createAgent(agent);
  return agent;
}

export async function addNumber(
  deps: DirectoryDeps,
  input: { accountId: string; number: string; agentId?: string; makeDefault?: boolean },
): Promise<void> {
  if (!isE164PhoneNumber(input.number)) {
    throw invalidRequest(
      'invalid_phone_number',
      `${input.number} is not a phone number in E.164 format, such as +14155550123.`,
      'number',
    );
  }
  await deps.directory.addNumber(
    { number: input.number, accountId: input.accountId, createdAt: toTimestamp(deps.clock.now()) },
    { agentId: input.agentId, makeDefault: input.makeDefault ?? false },
  );
}
