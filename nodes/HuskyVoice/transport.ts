import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { transportOptionsFrom } from '../shared/session';
import { ProviderClient } from '../shared/transport';
import type { ApiRequest, ProviderProfile } from '../shared/types';
import type { IdRule } from '../shared/validation';
import { pathSegment, requireBaseUrl } from '../shared/validation';

export const HUSKY_API_CREDENTIAL = 'huskyVoiceApi';
export const HUSKY_WEBHOOK_CREDENTIAL = 'huskyVoiceWebhookApi';
/** HuskyVoice allows 60 requests per minute per key, in a sliding window. */
export const HUSKY_DEFAULT_RATE_LIMIT = 60;

function huskyProfile(credentialType: string): ProviderProfile {
	return {
		provider: 'huskyVoice',
		displayName: 'HuskyVoice',
		credentialType,
		parseError(status, body) {
			const error = ((body ?? {}) as IDataObject).error as IDataObject | undefined;
			if (error && typeof error === 'object') {
				return { code: error.code !== undefined ? String(error.code) : undefined, message: String(error.message ?? `HTTP ${status}`) };
			}
			return { message: `HTTP ${status}` };
		},
		requestIdFrom(headers) {
			return headers['x-request-id'];
		},
		hints: {
			401:
				credentialType === HUSKY_WEBHOOK_CREDENTIAL
					? 'The webhook token was refused. Copy it again from the inbound webhook URL.'
					: 'The API key was refused. Check it, and try the other "Send Key As" choice in the credential.',
			403: 'The API key lacks the scope for this operation (calls:delete, calls:read or calls:cancel).',
			429: 'HuskyVoice allows 60 requests per minute per key; the run waited as asked and then gave up.',
		},
	};
}

export function isHuskyNotFound(status: number, body: unknown): boolean {
	return status === 404 && huskyProfile(HUSKY_API_CREDENTIAL).parseError(status, body).code === 'NOT_FOUND';
}

export const huskyCallIdRule: IdRule = {
	label: 'Call ID',
	field: 'callId',
	maxLength: 128,
	pattern: /^[A-Za-z0-9_-]+$/,
	patternHint: 'HuskyVoice call IDs look like 550e8400-e29b-41d4-a716-446655440000 or call_abc123.',
};

export const huskyPaths = {
	call: (callId: string) => `/calls/${pathSegment(callId)}`,
	cancel: (callId: string) => `/calls/${pathSegment(callId)}/cancel`,
	/** The credential appends the token; see HuskyVoiceWebhookApi.authenticate. */
	hook: () => '/hooks',
};

/** One execution's HuskyVoice client, paced to the key's per-minute limit. */
export class HuskySession {
	constructor(
		readonly client: ProviderClient,
		private readonly baseUrl: string,
		readonly viaWebhook: boolean,
	) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<HuskySession> {
		const viaWebhook = ctx.getNodeParameter('authentication', 0, 'apiKey') === 'webhookToken';
		const credentialType = viaWebhook ? HUSKY_WEBHOOK_CREDENTIAL : HUSKY_API_CREDENTIAL;
		const credentials = await ctx.getCredentials(credentialType);
		const baseUrl = requireBaseUrl(ctx.getNode(), credentials.baseUrl, 'HuskyVoice base URL', 0);
		const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
		const limit = Number(options.rateLimitPerMinute ?? HUSKY_DEFAULT_RATE_LIMIT);
		const client = new ProviderClient(
			ctx,
			huskyProfile(credentialType),
			{ kind: 'slidingWindow', limit: limit > 0 ? limit : HUSKY_DEFAULT_RATE_LIMIT, windowMs: 60_000 },
			transportOptionsFrom(ctx, concurrency),
		);
		return new HuskySession(client, baseUrl, viaWebhook);
	}

	request(request: Omit<ApiRequest, 'url'> & { path: string }, itemIndex: number, acceptStatuses: number[] = []) {
		const { path, ...rest } = request;
		return this.client.request({ ...rest, url: `${this.baseUrl}${path}` }, itemIndex, acceptStatuses);
	}
}
