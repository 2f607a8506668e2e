/**
 * A preload (`node --import`) that counts every HTTP request this process sends, by host and
 * operation, for bench/at-rest.ts. It reads Node's own `http.client.request.start` diagnostics
 * channel (https://nodejs.org/api/diagnostics_channel.html#http), which sees each request the AWS
 * SDK clients send through node:http: the counting is done by the real clients, not estimated.
 *
 * Every second, and at exit, it writes {"<host:port> <operation>": count, …} as JSON to
 * `$BENCH_REQUEST_COUNT_DIR/<pid>.json` (one file per process: npm and the stack each load it).
 * The operation is the `X-Amz-Target` header (DynamoDB, DynamoDB Streams, SQS), else the method
 * and the path's first segment (Scheduler's REST API).
 *
 * Plain JavaScript, so it loads before tsx in NODE_OPTIONS.
 */
import { subscribe } from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_REQUEST_COUNT_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  /** @type {Record<string, number>} */
  const counts = {};
  subscribe('http.client.request.start', (message) => {
    const request = /** @type {{ request: import('node:http').ClientRequest }} */ (message).request;
    const target = request.getHeader('x-amz-target');
    const operation = target ? String(target) : `${request.method} /${request.path.split(/[/?]/)[1] ?? ''}`;
    const key = `${request.getHeader('host') ?? request.host} ${operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  const write = () => writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(counts));
  setInterval(write, 1000).unref();
  process.on('exit', write);
}
