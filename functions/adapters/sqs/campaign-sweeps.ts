import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CampaignWorkMessage } from '#schemas/dial-message';
import type { CampaignSweeps } from '#ports/campaign-sweeps';
import type { ClientSource } from '../client-source.ts';
import { sendJson } from './send-json.ts';

/** Campaign sweep and contacts messages on the dial queue, where the dialer reads them (handlers/dialer.ts). */
export class SqsCampaignSweeps implements CampaignSweeps {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  send(message: CampaignWorkMessage): Promise<void> {
    return sendJson(this.sqs, this.queueUrl, message, 0);
  }
}
