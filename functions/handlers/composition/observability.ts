import { Metrics } from '@aws-lambda-powertools/metrics';
import { EmfMetrics } from '#adapters/cloudwatch/emf-metrics';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';

/**
 * The one business-metrics recorder of every function (ports/metrics.ts): namespace and service
 * from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME, set by the CDK construct.
 */
export const metrics = new EmfMetrics(new Metrics(), (error) =>
  logger.warn('A metric could not be written', { ...loggedFailure(error) }),
);
