import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger, shared by every function and every trigger; each invocation's Lambda context
 * is put on its lines by the logContext middleware (middleware/log-context.ts). Phone numbers and
 * metadata values are never logged; call ids are.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'outbound-calls' });
