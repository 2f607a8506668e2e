import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The cold-start baseline: a handler that only imports and constructs a DynamoDB client. */
const client = new DynamoDBClient({});

export const handler = async () => client.config.serviceId;
