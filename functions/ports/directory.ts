import type { Account, Agent, ApiKey, PhoneNumber } from '#schemas/directory';

/** Accounts, their agents, numbers and API keys. */
export interface Directory {
  findApiKeyByHash(hash: string): Promise<ApiKey | null>;
  getAccount(accountId: string): Promise<Account | null>;
  getAgent(accountId: string, agentId: string): Promise<Agent | null>;

  createAccount(account: Account): Promise<void>;
  createApiKey(key: ApiKey): Promise<void>;
  listApiKeys(accountId: string): Promise<ApiKey[]>;
  revokeApiKey(accountId: string, keyId: string, at: string): Promise<void>;
  createAgent(agent: Agent): Promise<void>;
  listAgents(accountId: string): Promise<Agent[]>;
  /**
   * Provisions the number to the account (a number belongs to one account) and, given an agent,
   * assigns it to that agent; the agent's first number, or one added with makeDefault, is its default.
   */
  addNumber(number: PhoneNumber, options: { agentId?: string; makeDefault: boolean }): Promise<void>;
  listNumbers(accountId: string): Promise<PhoneNumber[]>;
}
