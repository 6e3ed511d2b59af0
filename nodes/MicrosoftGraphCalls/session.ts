import type { IExecuteFunctions } from 'n8n-workflow';

import type { ProviderApi } from '../shared/api';
import { transportOptionsFrom } from '../shared/session';
import { openGraphApi } from './transport';

/** Everything one Microsoft Graph Calls node execution shares across its items. */
export class GraphSession {
	constructor(readonly api: ProviderApi) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<GraphSession> {
		return new GraphSession(await openGraphApi(ctx, transportOptionsFrom(ctx, concurrency)));
	}
}
