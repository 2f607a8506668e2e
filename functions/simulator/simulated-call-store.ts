import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SimulatedCall, SimulatedCallStore } from '#simulator/carrier-simulator';
import { TABLE } from '../adapters/dynamodb/table-design.ts';

/** The deployed carrier simulator's calls, kept a day in the service table. */
export class DynamoDbSimulatedCallStore implements SimulatedCallStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(sid: string): Promise<SimulatedCall | null> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key(sid), ConsistentRead: true }),
    );
    return (result.Item?.call as SimulatedCall | undefined) ?? null;
  }

  async save(call: SimulatedCall): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(call.sid), call, [TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + 86_400 },
      }),
    );
  }
}

const key = (sid: string) => ({ pk: `SIMCALL#${sid}`, sk: 'SIMCALL' });
