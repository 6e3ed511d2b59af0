import type { IExecuteFunctions } from 'n8n-workflow';

import { parseErrorEnvelope } from '../shared/errors';
import { ProviderClient } from '../shared/transport';
import type { ProviderName, ProviderProfile, TransportOptions } from '../shared/types';
import { pathSegment } from '../shared/validation';
import { secureUrlProblem, trimmedUrl } from '../../credentials/secureUrl';
import { minimalHuskyAnswer } from './minimal';

/** The provider's name in audit records and error items. */
export const HUSKY_VOICE: ProviderName = 'huskyVoice';
export const HUSKY_API_CREDENTIAL = 'huskyVoiceApi';
export const HUSKY_WEBHOOK_CREDENTIAL = 'huskyVoiceWebhookApi';
/** HuskyVoice allows 60 requests per minute per key, in a sliding window. */
export const HUSKY_DEFAULT_RATE_LIMIT = 60;

function huskyProfile(credentialType: string): ProviderProfile {
	return {
		provider: HUSKY_VOICE,
		displayName: 'HuskyVoice',
		credentialType,
		parseError: parseErrorEnvelope,
		requestIdFrom(headers) {
			return headers['x-request-id'];
		},
		quotableAnswer: minimalHuskyAnswer,
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

export const huskyPaths = {
	call: (callId: string) => `/calls/${pathSegment(callId)}`,
	cancel: (callId: string) => `/calls/${pathSegment(callId)}/cancel`,
	/** The credential appends the token; see HuskyVoiceWebhookApi.authenticate. */
	hook: () => '/hooks',
};

/** HuskyVoice's API for one execution, paced to the key's per-minute limit (sliding window). */
export async function openHuskyApi(
	ctx: IExecuteFunctions,
	credentialType: string,
	ratePerMinute: number,
	options: TransportOptions,
): Promise<ProviderClient> {
	const credentials = await ctx.getCredentials(credentialType);
	const limit = ratePerMinute > 0 ? ratePerMinute : HUSKY_DEFAULT_RATE_LIMIT;
	const pacing = { kind: 'slidingWindow', limit, windowMs: 60_000 } as const;
	const problem = secureUrlProblem(credentials.baseUrl, 'HuskyVoice base URL');
	if (problem) return new ProviderClient(ctx, huskyProfile(credentialType), pacing, '', options).refuseEveryRequest(problem);
	return new ProviderClient(ctx, huskyProfile(credentialType), pacing, trimmedUrl(credentials.baseUrl as string), options);
}
