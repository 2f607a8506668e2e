import { DynamoDbCampaignStore } from '#adapters/dynamodb/campaign-store';
import { clock, db, tableEnv } from './table.ts';

/** Campaigns, for the campaigns API, the dialer's gate and the events function's counts. */
export const campaigns = new DynamoDbCampaignStore(db, tableEnv.TABLE_NAME, clock);
