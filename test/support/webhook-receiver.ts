import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  answeredWith: number;
}

/** A customer's webhook endpoint on this machine: records every request and answers as told. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  let answer: (request: { body: string; index: number }) => number = () => 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = answer({ body, index: received.length });
      received.push({ headers: request.headers, body, answeredWith: status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/hooks`,
    received,
    /** Successful deliveries, parsed. */
    delivered: () =>
      received
        .filter((r) => r.answeredWith >= 200 && r.answeredWith < 300)
        .map((r) => ({ ...r, event: JSON.parse(r.body) })),
    answerWith(next: typeof answer) {
      answer = next;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
