import type { INodeProperties } from 'n8n-workflow';

import { callIdFieldOf } from '../shared/descriptions';
import type { IdRule } from '../shared/validation';

/**
 * Stream's OpenAPI spec (GetStream/protocol openapi/v2/video-serverside-api.yaml) caps `type`, `id` and
 * `session` path parameters at 64 characters; its sample validation allows this set.
 */
const STREAM_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const STREAM_ID_HINT = 'Stream ids use only letters, digits, "-" and "_", at most 64 characters.';

export const callTypeRule: IdRule = {
	label: 'Call Type',
	field: 'callType',
	maxLength: 64,
	pattern: STREAM_ID_PATTERN,
	patternHint: STREAM_ID_HINT,
};
export const callIdRule: IdRule = {
	label: 'Call ID',
	field: 'callId',
	maxLength: 64,
	pattern: STREAM_ID_PATTERN,
	patternHint: STREAM_ID_HINT,
};
export const taskIdRule: IdRule = {
	label: 'Task ID',
	field: 'taskId',
	maxLength: 128,
	pattern: /^[A-Za-z0-9_.:-]+$/,
	patternHint: 'Task ids are the task_id values Stream returns from a hard delete.',
};
export const sessionIdRule: IdRule = {
	label: 'Session ID',
	field: 'sessionId',
	maxLength: 64,
	pattern: STREAM_ID_PATTERN,
	patternHint: 'The session_id of a recording or transcription, as Get Many returns it.',
};
/** The spec caps `filename` at 256 characters; a name made only of dots would be a path step, not a file. */
export const filenameRule: IdRule = {
	label: 'Filename',
	field: 'filename',
	maxLength: 256,
	pattern: /^(?!\.+$)[A-Za-z0-9._-]+$/,
	patternHint: 'The filename of a recording or transcription, as Get Many returns it (letters, digits, ".", "-" and "_").',
};
/** Stream user IDs may contain letters, digits, "@", "_" and "-" (Stream docs, "Users": user id format). */
export const userIdRule: IdRule = {
	label: 'User ID',
	field: 'userId',
	maxLength: 255,
	pattern: /^[@A-Za-z0-9_-]+$/,
	patternHint: 'Stream user IDs use only letters, digits, "@", "-" and "_".',
};

export const callTypeField: INodeProperties = {
	displayName: 'Call Type',
	name: 'callType',
	type: 'string',
	required: true,
	default: 'default',
	description: 'The call type, the part of the call CID before the colon (for "default:abc" it is "default")',
};

export const callIdField = callIdFieldOf(
	'e.g. my-call-123',
	'The call ID, the part of the call CID after the colon (for "default:abc" it is "abc")',
);
