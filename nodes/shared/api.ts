import type { ProviderClient } from './transport';
import type { ApiRequest, ApiResponse } from './types';

/** A request to a path under the provider's base URL. */
export type PathRequest = Omit<ApiRequest, 'url'> & { path: string };

/** One provider's API for one execution: the shared client (pacing, retries, errors) and the base URL. */
export class ProviderApi {
	constructor(
		readonly client: ProviderClient,
		private readonly baseUrl: string,
	) {}

	async request(request: PathRequest, itemIndex: number, acceptStatuses: number[] = []): Promise<ApiResponse> {
		const { path, ...rest } = request;
		return await this.client.request({ ...rest, url: `${this.baseUrl}${path}` }, itemIndex, acceptStatuses);
	}
}
