import type { WebhookResponse, WebhookSender } from '#ports/webhooks';

/** POSTs with a timeout; never follows redirects (a redirect could lead anywhere). */
export class FetchWebhookSender implements WebhookSender {
  constructor(private readonly timeoutMs: number) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    const started = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Voisnap-Webhooks/1.0', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { statusCode: response.status, latencyMs: Date.now() - started, error: null };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return { statusCode: null, latencyMs: Date.now() - started, error: timedOut ? `timed out after ${this.timeoutMs} ms` : (error as Error).message };
    }
  }
}
