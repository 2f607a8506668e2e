import type { Directory } from '#ports/directory';
import type { Account, Agent, ApiKey, PhoneNumber } from '#schemas/directory';

/** Accounts, agents, numbers and API keys in maps; enough rules for the use cases that read them. */
export class FakeDirectory implements Directory {
  readonly accounts = new Map<string, Account>();
  readonly agents = new Map<string, Agent>();
  readonly apiKeys = new Map<string, ApiKey>();
  readonly numbers = new Map<string, PhoneNumber>();

  /** Adds an agent of the account with the given numbers, the first its default. */
  addAgent(accountId: string, agentId: string, numbers: string[], defaultFirstMessage = 'Hello'): Agent {
    const agent: Agent = {
      id: agentId,
      accountId,
      name: agentId,
      defaultFirstMessage,
      numbers,
      defaultFromNumber: numbers[0] ?? null,
      createdAt: '2030-01-01T00:00:00Z',
    };
    this.agents.set(`${accountId}#${agentId}`, agent);
    return agent;
  }

  async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    return [...this.apiKeys.values()].find((key) => key.hash === hash) ?? null;
  }
  async getAccount(accountId: string): Promise<Account | null> {
    return this.accounts.get(accountId) ?? null;
  }
  async getAgent(accountId: string, agentId: string): Promise<Agent | null> {
    return this.agents.get(`${accountId}#${agentId}`) ?? null;
  }
  async createAccount(account: Account): Promise<void> {
    this.accounts.set(account.id, account);
  }
  async createApiKey(key: ApiKey): Promise<void> {
    this.apiKeys.set(key.id, key);
  }
  async listApiKeys(accountId: string): Promise<ApiKey[]> {
    return [...this.apiKeys.values()].filter((key) => key.accountId === accountId);
  }
  async revokeApiKey(_accountId: string, keyId: string, at: string): Promise<void> {
    const key = this.apiKeys.get(keyId);
    if (key) this.apiKeys.set(keyId, { ...key, revokedAt: at });
  }
  async createAgent(agent: Agent): Promise<void> {
    this.agents.set(`${agent.accountId}#${agent.id}`, agent);
  }
  async listAgents(accountId: string): Promise<Agent[]> {
    return [...this.agents.values()].filter((agent) => agent.accountId === accountId);
  }
  async addNumber(number: PhoneNumber, options: { agentId?: string; makeDefault: boolean }): Promise<void> {
    this.numbers.set(number.number, number);
    const agent = options.agentId ? this.agents.get(`${number.accountId}#${options.agentId}`) : undefined;
    if (agent) {
      const numbers = [...agent.numbers, number.number];
      const defaultFromNumber =
        options.makeDefault || !agent.defaultFromNumber ? number.number : agent.defaultFromNumber;
      this.agents.set(`${agent.accountId}#${agent.id}`, { ...agent, numbers, defaultFromNumber });
    }
  }
  async listNumbers(accountId: string): Promise<PhoneNumber[]> {
    return [...this.numbers.values()].filter((number) => number.accountId === accountId);
  }
}
