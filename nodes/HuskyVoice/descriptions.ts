import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callIdFieldOf, transportOptions } from '../shared/descriptions';
import type { IdRule } from '../shared/validation';
import { HUSKY_DEFAULT_RATE_LIMIT } from './transport';

/** HuskyVoice call IDs are UUIDs or `call_…` (docs.huskyvoice.ai, Call Status). */
export const huskyCallIdRule: IdRule = {
	label: 'Call ID',
	field: 'callId',
	maxLength: 128,
	pattern: /^[A-Za-z0-9_-]+$/,
	patternHint: 'HuskyVoice call IDs look like 550e8400-e29b-41d4-a716-446655440000 or call_abc123.',
};

export const callIdField = callIdFieldOf(
	'e.g. 550e8400-e29b-41d4-a716-446655440000',
	'The call_id HuskyVoice returned when the call was created',
);

/** The fields of a call operation only an API key can run: the inbound webhook can only delete. */
export function apiKeyOperation(operation: string, properties: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['call'], operation: [operation], authentication: ['apiKey'] } }, properties);
}

export const rateLimitOption: INodeProperties = {
	displayName: 'Rate Limit (Requests per Minute)',
	name: 'rateLimitPerMinute',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: HUSKY_DEFAULT_RATE_LIMIT,
	description: 'Requests this run may send per minute with this key. HuskyVoice allows 60; raise it only if your plan allows more.',
};

export const huskyTransportOptions: INodeProperties[] = [rateLimitOption, ...transportOptions];
