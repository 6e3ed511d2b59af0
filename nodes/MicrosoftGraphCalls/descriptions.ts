import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callIdFieldOf } from '../shared/descriptions';
import type { IdRule } from '../shared/validation';

/** Graph call IDs are GUID-like (Graph call resource). */
export const graphCallIdRule: IdRule = {
	label: 'Call ID',
	field: 'callId',
	maxLength: 256,
	pattern: /^[A-Za-z0-9._:=-]+$/,
	patternHint: 'Graph call IDs look like 2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4: letters, digits and - . _ : = only.',
};

export const callIdField = callIdFieldOf(
	'e.g. 2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4',
	'The ID of the call, as returned when the call was created or answered',
);

export const apiVersionOption: INodeProperties = {
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'options',
	default: 'v1.0',
	options: [
		{ name: 'v1.0', value: 'v1.0' },
		{ name: 'Beta', value: 'beta' },
	],
	description: 'Microsoft Graph API version to call',
};

const API_VERSIONS = ['v1.0', 'beta'];

/**
 * The API Version option, checked: an expression can give any text, and it becomes a path step of every
 * request. Unset means v1.0.
 */
export function graphApiVersion(ctx: IExecuteFunctions, value: unknown, itemIndex: number, callId: string): string {
	if (value === undefined) return 'v1.0';
	if (typeof value === 'string' && API_VERSIONS.includes(value)) return value;
	const error = new NodeOperationError(ctx.getNode(), `API Version "${String(value)}" is not one of ${API_VERSIONS.join(', ')}`, {
		itemIndex,
		description: 'Choose v1.0 or beta, or make the expression give exactly one of them.',
	});
	error.context = { ...error.context, callId };
	throw error;
}
