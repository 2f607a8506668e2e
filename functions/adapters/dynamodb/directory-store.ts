import { GetCommand, type TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalidRequest, notFound } from '#domain/errors';
import {
  AccountSchema,
  AgentSchema,
  ApiKeySchema,
  PhoneNumberSchema,
  type Account,
  type Agent,
  type ApiKey,
  type PhoneNumber,
} from '#schemas/directory';
import type { Directory } from '#ports/directory';
import { transactOnce, transactionCancellationCodes } from './client.ts';
import { queryAccountItems } from './query.ts';
import { keys } from './table-design.ts';

/**
 * Accounts and everything they own share the account's partition (`ACCOUNT#id`), so one Query
 * lists them. Two global lookup items make lookups by value possible: key hash → key, and
 * number → owning account (a number belongs to one account only).
 */
export class DynamoDbDirectory implements Directory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    const item = await this.getItem(keys.apiKeyHash(hash));
    return item ? ApiKeySchema.parse(item) : null;
  }

  async getAccount(accountId: string): Promise<Account | null> {
    const item = await this.getItem(keys.account(accountId));
    return item ? AccountSchema.parse(item) : null;
  }

  async getAgent(accountId: string, agentId: string): Promise<Agent | null> {
    const item = await this.getItem(keys.accountAgent(accountId, agentId));
    return item ? agentFromItem(item) : null;
  }

  async createAccount(account: Account): Promise<void> {
    await this.transact('Account', account.id, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.account(account.id), ...account, activeCalls: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  async createApiKey(key: ApiKey): Promise<void> {
    await this.transact('API key', key.id, [
      this.accountMustExist(key.accountId),
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.accountApiKey(key.accountId, key.id), ...key },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.apiKeyHash(key.hash), ...key },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  async listApiKeys(accountId: string): Promise<ApiKey[]> {
    return (await this.queryAccount(accountId, 'APIKEY#')).map((item) => ApiKeySchema.parse(item));
  }

  async revokeApiKey(accountId: string, keyId: string, at: string): Promise<void> {
    const item = await this.getItem(keys.accountApiKey(accountId, keyId));
    if (!item) throw notFound('api_key_not_found', `No API key ${keyId} in account ${accountId}.`);
    const key = ApiKeySchema.parse(item);
    const revoke = (Key: Record<string, string>) => ({
      Update: {
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
      },
    });
    // The hash item goes away entirely; the account's item stays as the record that it existed.
    await this.transact('API key', keyId, [
      revoke(keys.accountApiKey(accountId, keyId)),
      { Delete: { TableName: this.tableName, Key: keys.apiKeyHash(key.hash) } },
    ]);
  }

  async createAgent(agent: Agent): Promise<void> {
    await this.transact('Agent', agent.id, [
      this.accountMustExist(agent.accountId),
      { Put: { TableName: this.tableName, Item: agentToItem(agent), ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
  }

  async listAgents(accountId: string): Promise<Agent[]> {
    return (await this.queryAccount(accountId, 'AGENT#')).map(agentFromItem);
  }

  async addNumber(number: PhoneNumber, options: { makeDefault: boolean; agentId?: string }): Promise<void> {
    const items: NonNullable<TransactWriteCommand['input']['TransactItems']> = [
      this.accountMustExist(number.accountId),
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.numberClaim(number.number), ...number },
          ConditionExpression: 'attribute_not_exists(pk) OR accountId = :account',
          ExpressionAttributeValues: { ':account': number.accountId },
        },
      },
      {
        Put: { TableName: this.tableName, Item: { ...keys.accountNumber(number.accountId, number.number), ...number } },
      },
    ];
    if (options.agentId) {
      const agent = await this.getAgent(number.accountId, options.agentId);
      if (!agent) throw notFound('agent_not_found', `No agent ${options.agentId} in account ${number.accountId}.`);
      const numbers = agent.numbers.includes(number.number) ? agent.numbers : [...agent.numbers, number.number];
      const defaultFromNumber =
        options.makeDefault || !agent.defaultFromNumber ? number.number : agent.defaultFromNumber;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: agentToItem({ ...agent, numbers, defaultFromNumber }),
          ConditionExpression: 'attribute_exists(pk)',
        },
      });
    }
    await this.transact('Number', number.number, items);
  }

  async listNumbers(accountId: string): Promise<PhoneNumber[]> {
    return (await this.queryAccount(accountId, 'NUMBER#')).map((item) => PhoneNumberSchema.parse(item));
  }

  private accountMustExist(accountId: string) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: keys.account(accountId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    };
  }

  private async transact(
    entity: string,
    id: string,
    items: NonNullable<TransactWriteCommand['input']['TransactItems']>,
  ): Promise<void> {
    try {
      await transactOnce(this.db, { TransactItems: items });
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (!codes) throw error;
      const failed = items[codes.indexOf('ConditionalCheckFailed')];
      if (failed && 'ConditionCheck' in failed && failed.ConditionCheck) {
        throw notFound(
          'account_not_found',
          `No account ${String(failed.ConditionCheck.Key?.pk).replace(/^ACCOUNT#/, '')} exists.`,
        );
      }
      throw invalidRequest('already_exists', `${entity} ${id} already exists or belongs to another account.`);
    }
  }

  private async getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key }));
    return result.Item;
  }

  private queryAccount(accountId: string, prefix: string) {
    return queryAccountItems(this.db, this.tableName, accountId, prefix);
  }
}

function agentToItem(agent: Agent): Record<string, unknown> {
  return { ...keys.accountAgent(agent.accountId, agent.id), ...agent };
}

function agentFromItem(item: Record<string, unknown>): Agent {
  return AgentSchema.parse(item);
}
