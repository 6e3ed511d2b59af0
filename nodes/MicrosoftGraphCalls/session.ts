import type { IExecuteFunctions } from 'n8n-workflow';

import type { ProviderClient } from '../shared/transport';
import { transportOptionsFrom } from '../shared/session';
import { openGraphApi } from './transport';

/** Everything one Microsoft Graph Calls node execution shares across its items. */
export class GraphSession {
	constructor(readonly client: ProviderClient) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<GraphSession> {
		return new GraphSession(await openGraphApi(ctx, transportOptionsFrom(ctx, concurrency)));
	}
}
