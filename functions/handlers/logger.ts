import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger. Phone numbers and metadata are never logged; call ids are. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'outbound-calls' });
