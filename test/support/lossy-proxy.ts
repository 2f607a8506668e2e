import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { createAccount } from '#use-cases/manage-directory';
import { ensureTable } from '../../local/tables.ts';

/**
 * What a loss rule sees of a request: the AWS operation of a JSON-protocol service (`X-Amz-Target`,
 * e.g. `DynamoDB_20120810.PutItem`; empty for a REST one such as EventBridge Scheduler), the HTTP
 * method and path (a REST operation's name and resource, e.g. `DELETE /schedules/<name>`) and the body.
 */
export interface ProxiedRequest {
  target: string;
  method: string;
  path: string;
  body: string;
  /** The AWS SDK's id of the `send` the request belongs to (`amz-sdk-invocation-id`): its tries share it. */
  invocation: string;
}

/**
 * An HTTP proxy in front of an emulator that can lose answers, as the network sometimes does: a
 * request it is told to lose is passed on and answered upstream, so whatever it does takes effect,
 * and then the client's connection is closed without the answer. The AWS SDK sees a reset
 * connection and sends the request again (a retryable network error), which is what the code
 * under test must survive. Every other request and answer passes through unchanged.
 *
 * `loseAnswers(match, times)` loses the answers of the next `times` requests that `match` accepts
 * (1 by default), running `meanwhile` (if given) between upstream's answer and the loss; `lost()`
 * counts the answers lost so far, so a test can show the loss happened.
 * `rewriteAnswers` changes answers instead, and `requests()` lists what was sent.
 */
export async function startLossyProxy(upstream: string) {
  const { hostname, port } = new URL(upstream);
  const rules: Array<{
    match: (request: ProxiedRequest) => boolean;
    left: number;
    /** Absent: the answer is lost; present: the client gets this body instead of upstream's. */
    rewrite?: (body: string) => string;
    /** Run after upstream applied the request and before its answer is lost: another writer, say. */
    meanwhile?: () => Promise<void>;
  }> = [];
  const requests: ProxiedRequest[] = [];
  let lost = 0;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen = {
        target: String(incoming.headers['x-amz-target'] ?? ''),
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        body: body.toString('utf8'),
        invocation: String(incoming.headers['amz-sdk-invocation-id'] ?? ''),
      };
      requests.push(seen);
      const rule = rules.find((candidate) => candidate.left > 0 && candidate.match(seen));
      if (rule) rule.left -= 1;
      const sent = forward(
        { hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          const answered: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answered.push(chunk));
          answer.on('end', async () => {
            if (rule && !rule.rewrite) {
              // Applied upstream, never answered: the client's connection just goes away.
              await rule.meanwhile?.();
              lost += 1;
              incoming.socket.destroy();
              return;
            }
            const reply = rule?.rewrite
              ? Buffer.from(rule.rewrite(Buffer.concat(answered).toString('utf8')))
              : Buffer.concat(answered);
            outgoing.writeHead(answer.statusCode ?? 502, {
              ...(answer.headers as IncomingHttpHeaders),
              'content-length': String(reply.length),
            });
            outgoing.end(reply);
          });
        },
      );
      sent.on('error', () => {
        // It never reached upstream: its rule is left for the next request.
        if (rule) rule.left += 1;
        incoming.socket.destroy();
      });
      sent.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loseAnswers(match: (request: ProxiedRequest) => boolean, times = 1, meanwhile?: () => Promise<void>) {
      rules.push({ match, left: times, meanwhile });
    },
    /**
     * Answers the next `times` requests that `match` accepts (1 by default) with `rewrite` of
     * upstream's answer body, after upstream applied them: a partial failure, say.
     */
    rewriteAnswers(match: (request: ProxiedRequest) => boolean, rewrite: (body: string) => string, times = 1) {
      rules.push({ match, left: times, rewrite });
    },
    lost: () => lost,
    /** Every request the proxy has passed on, in order. */
    requests: () => [...requests],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client's endpoint, Region and credentials for an emulator, or for a proxy in front of one. */
export function localClientConfig(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/**
 * A new table on DynamoDB Local (`dynamodbEndpoint`) behind a lossy proxy, holding one account
 * with five telephony slots: the proxy, a document client that goes through it, the table's name
 * (`<prefix>-` and 8 random characters) and the account's id.
 */
export async function lossyTable(dynamodbEndpoint: string, prefix: string) {
  const proxy = await startLossyProxy(dynamodbEndpoint);
  const client = new DynamoDBClient(localClientConfig(proxy.endpoint));
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  const db = createDocumentClient(client);
  const accountId = `acc_lost_${randomUUID().slice(0, 8)}`;
  await createAccount(
    { directory: new DynamoDbDirectory(db, tableName), clock: systemClock },
    { id: accountId, name: accountId, concurrentCallLimit: 5 },
  );
  return { proxy, db, tableName, accountId };
}
