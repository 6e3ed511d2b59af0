import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ProviderClient } from '../shared/transport';
import { transportOptionsFrom } from '../shared/session';
import { HUSKY_API_CREDENTIAL, HUSKY_DEFAULT_RATE_LIMIT, HUSKY_WEBHOOK_CREDENTIAL, openHuskyApi } from './transport';

/** Everything one HuskyVoice node execution shares across its items. */
export class HuskySession {
	constructor(
		readonly client: ProviderClient,
		/** The inbound webhook credential: it can only delete, never look calls up. */
		readonly viaWebhook: boolean,
	) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<HuskySession> {
		const viaWebhook = ctx.getNodeParameter('authentication', 0, 'apiKey') === 'webhookToken';
		const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
		const api = await openHuskyApi(
			ctx,
			viaWebhook ? HUSKY_WEBHOOK_CREDENTIAL : HUSKY_API_CREDENTIAL,
			Number(options.rateLimitPerMinute ?? HUSKY_DEFAULT_RATE_LIMIT),
			transportOptionsFrom(ctx, concurrency),
		);
		return new HuskySession(api, viaWebhook);
	}
}
