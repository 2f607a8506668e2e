import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import * as z from 'zod/mini';

/**
 * A reference row of the cold-start benchmark, not a function: the baseline's DynamoDB client
 * plus what every function of the service loads at init whatever it does (the document client,
 * Powertools Logger, middy, zod with one schema checking the environment). What a function costs
 * above this row is its own code, schemas and adapters.
 */
const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const { TABLE_NAME } = z.object({ TABLE_NAME: z.string() }).parse(process.env);

export const handler = middy(async () => {
  logger.info('read');
  return db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: 'x' } }));
});
