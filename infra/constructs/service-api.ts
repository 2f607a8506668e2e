import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_ROUTE_HANDLER, type ApiRoute } from '../../functions/handlers/routes.ts';
import type { PublicHandler, Throttle } from '../stacks/stage-config.ts';

export interface CustomDomain {
  /** e.g. calls.example.com; point a CNAME at the stack's CustomDomainTarget output. */
  domainName: string;
  /** An ACM certificate for domainName in the stack's region. */
  certificateArn: string;
}

export interface ServiceApiProps {
  /** The stage's limit: every route without one of its own. */
  throttle: Throttle;
  /** The limit of each route without an API key, by the handler behind it ($default: route-not-found). */
  publicRouteThrottles: Record<PublicHandler, Throttle>;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  customDomain?: CustomDomain;
}

export interface ServiceRoutes {
  routes: readonly ApiRoute[];
  functionFor: (handler: string) => lambda.IFunction;
  authorizer: lambda.IFunction;
  /** Answers every request that matches no route ($default). */
  notFound: lambda.IFunction;
}

/**
 * How long a revoked API key may still be accepted, at most (docs/deploy.md): API Gateway caches
 * the authorizer's answer keyed on its identity sources, here the Authorization header, for the
 * authorizer's TTL (up to 3600 s; https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html),
 * and an authorizer instance remembers a key's lookup for API_KEY_CACHE_SECONDS
 * (functions/use-cases/authenticate.ts). An answer the instance remembered can then be cached by
 * API Gateway afresh, so the two add up.
 */
export const KEY_REVOCATION_DELAY = Duration.minutes(5);
/** The authorizer instance's share of KEY_REVOCATION_DELAY; the rest is API Gateway's cache. */
export const AUTHORIZER_INSTANCE_CACHE = Duration.minutes(1);

/** Why a route has no authorizer, for each handler that checks its callers itself or serves what is public. */
const WITHOUT_AUTHORIZER: Record<string, string> = {
  'openapi-document':
    'The OpenAPI document is public, like the API reference it describes; the function reads and changes nothing.',
  'telephony-webhooks':
    'Twilio signs every webhook (X-Twilio-Signature) and the handler rejects a request whose signature does not verify.',
  'carrier-simulator':
    "The simulator speaks Twilio's REST API, so it checks HTTP Basic credentials (the simulator account in the telephony secret) itself.",
};

/** One JSON line per request; paths hold call ids but never phone numbers, and no query strings. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integration.latency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    accountId: '$context.authorizer.accountId',
    keyId: '$context.authorizer.keyId',
  }),
);

/**
 * The HTTP API in two steps: the API and its stage first, so the functions can be given its URL,
 * then the routes to those functions. Building the URL from the API alone (not from its routes)
 * is what keeps functions → API → routes → functions from being a cycle.
 */
export class ServiceApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  private readonly publicRouteThrottles: Record<PublicHandler, Throttle>;
  readonly domain?: apigw.DomainName;
  /** The URL callers and Twilio use: the custom domain if there is one. */
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.publicRouteThrottles = props.publicRouteThrottles;
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Outbound Calls service',
      // The stage is made below, with throttling and access logs, which the default stage lacks.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    if (props.customDomain) {
      this.domain = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
      });
    }
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
      domainMapping: this.domain ? { domainName: this.domain } : undefined,
    });
    this.publicUrl = props.customDomain ? `https://${props.customDomain.domainName}` : this.httpApi.apiEndpoint;
  }

  addServiceRoutes({ routes, functionFor, authorizer, notFound }: ServiceRoutes): void {
    // The authorizer passes every request on with the caller or the reason there is none, and
    // the route answers 401 in the service's error shape, which a denial could not. The header
    // is the cache key (so a repeated bad key costs no authorizer run), a revoked key works for
    // up to KEY_REVOCATION_DELAY more, and API Gateway itself answers a request without the
    // header (401 {"message":"Unauthorized"}).
    const apiKeyAuthorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', authorizer, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: KEY_REVOCATION_DELAY.minus(AUTHORIZER_INSTANCE_CACHE),
    });
    // RouteSettings is untyped JSON to CDK, so it is written as CloudFormation spells it.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const throttleRoute = (route: apigw.HttpRoute, routeKey: string, handler: string) => {
      const throttle = this.publicRouteThrottles[handler as PublicHandler];
      if (!throttle)
        throw new Error(
          `Route ${routeKey} has no API key and no throttle of its own (stage-config.ts publicRouteThrottles).`,
        );
      routeSettings[routeKey] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
      // API Gateway refuses settings for a route that does not exist yet ("Unable to find Route by
      // key … within the provided RouteSettings"), so the stage waits for its routes.
      this.stage.node.addDependency(route);
    };
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (handler: string) => {
      if (!integrations.has(handler))
        integrations.set(handler, new HttpLambdaIntegration(`${handler}-integration`, functionFor(handler)));
      return integrations.get(handler) as HttpLambdaIntegration;
    };

    for (const route of routes) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as apigw.HttpMethod],
        integration: integrationFor(route.handler),
        authorizer: route.authorized ? apiKeyAuthorizer : undefined,
      });
      if (!route.authorized) {
        const reason = WITHOUT_AUTHORIZER[route.handler];
        if (!reason)
          throw new Error(
            `Route ${route.method} ${route.path} has no authorizer and no stated reason why it needs none.`,
          );
        Validations.of(created as apigw.HttpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        throttleRoute(created as apigw.HttpRoute, `${route.method} ${route.path}`, route.handler);
      }
    }
    const defaultRoute = new apigw.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('route-not-found-integration', notFound),
    });
    Validations.of(defaultRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route only answers 404 "route_not_found" in the service\'s error shape; it reads and changes nothing.',
    });
    throttleRoute(defaultRoute, '$default', DEFAULT_ROUTE_HANDLER);
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
  }
}
