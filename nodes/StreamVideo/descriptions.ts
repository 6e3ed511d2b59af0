import type { INodeProperties } from 'n8n-workflow';

import type { IdRule } from '../shared/validation';

/** Stream accepts call types and ids of up to 64 characters from this set. */
const STREAM_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const STREAM_ID_HINT = 'Stream ids use only letters, digits, "-" and "_", at most 64 characters.';

export const callTypeRule: IdRule = {
	label: 'Call Type',
	maxLength: 64,
	pattern: STREAM_ID_PATTERN,
	patternHint: STREAM_ID_HINT,
};
export const callIdRule: IdRule = { label: 'Call ID', maxLength: 64, pattern: STREAM_ID_PATTERN, patternHint: STREAM_ID_HINT };
export const taskIdRule: IdRule = {
	label: 'Task ID',
	maxLength: 128,
	pattern: /^[A-Za-z0-9_.:-]+$/,
	patternHint: 'Task ids are the task_id values Stream returns from a hard delete.',
};

export const callTypeField: INodeProperties = {
	displayName: 'Call Type',
	name: 'callType',
	type: 'string',
	required: true,
	default: 'default',
	description: 'The call type, the part of the call CID before the colon (for "default:abc" it is "default")',
};

export const callIdField: INodeProperties = {
	displayName: 'Call ID',
	name: 'callId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. my-call-123',
	description: 'The call ID, the part of the call CID after the colon (for "default:abc" it is "abc")',
};
