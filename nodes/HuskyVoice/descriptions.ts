import type { INodeProperties } from 'n8n-workflow';

import { transportOptions } from '../shared/descriptions';
import { HUSKY_DEFAULT_RATE_LIMIT } from './transport';

export const callIdField: INodeProperties = {
	displayName: 'Call ID',
	name: 'callId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
	description: 'The call_id HuskyVoice returned when the call was created',
};

export const rateLimitOption: INodeProperties = {
	displayName: 'Rate Limit (Requests per Minute)',
	name: 'rateLimitPerMinute',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: HUSKY_DEFAULT_RATE_LIMIT,
	description: 'Requests this run may send per minute with this key. HuskyVoice allows 60; raise it only if your plan allows more.',
};

export const huskyTransportOptions: INodeProperties[] = [rateLimitOption, ...transportOptions];
