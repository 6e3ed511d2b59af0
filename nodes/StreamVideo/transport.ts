import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import type { GoneCheck } from '../shared/erasure';
import { DEFAULT_TRANSPORT_OPTIONS, ProviderClient } from '../shared/transport';
import type { ProviderProfile, TransportOptions } from '../shared/types';
import { toIsoTime } from '../shared/time';
import { pathSegment } from '../shared/validation';
import { secureUrlProblem, trimmedUrl } from '../../credentials/secureUrl';
import { minimalStreamAnswer } from './minimal';

export const STREAM_CREDENTIAL = 'streamVideoApi';

/** Stream errors: `{"code": 16, "message": "...", "StatusCode": 404, ...}`. */
export const streamProfile: ProviderProfile = {
	provider: 'streamVideo',
	displayName: 'Stream Video',
	credentialType: STREAM_CREDENTIAL,
	parseError(status, body) {
		const error = (body ?? {}) as IDataObject;
		const message = typeof error.message === 'string' && error.message !== '' ? error.message : `HTTP ${status}`;
		return { code: error.code !== undefined ? String(error.code) : undefined, message };
	},
	requestIdFrom(headers) {
		return headers['x-request-id'];
	},
	clientRequestIdHeader: 'x-client-request-id',
	quotableAnswer: minimalStreamAnswer,
	hints: {
		401: 'Check the API key and secret in the Stream Video credential (Stream dashboard → your app → Overview).',
		403: 'Hard delete needs server-side authentication; check that the credential holds the app secret, and that the app is active.',
		429: 'Stream rate limits each endpoint per minute. The run waited as Stream asked until the retry budget ran out; run the failed items again later, or spread very large runs over time.',
	},
};

/** Stream's per-second cap is its per-minute limit ÷ 30. */
const STREAM_PACING = { kind: 'rateLimitHeaders', perSecondDivisor: 30 } as const;

/** What Stream calls "not found": the call (or task) does not exist, as opposed to an unknown call type. */
export function isStreamNotFound(status: number, body: unknown): boolean {
	const error = (body ?? {}) as IDataObject;
	const message = typeof error.message === 'string' ? error.message : '';
	return status === 404 && String(error.code) === '16' && !/call type/i.test(message);
}

/** GetCall after a delete: Stream answers 404, code 16 "Can't find call" once the call is gone. */
export function callGoneCheck(callType: string, callId: string): GoneCheck {
	return {
		request: { method: 'GET', path: streamPaths.call(callType, callId), rateLimitKey: 'getCall', context: { callId, callType } },
		isNotFound: (response) => isStreamNotFound(response.status, response.body),
		readsAs: (response) =>
			typeof response.body.call === 'object' && response.body.call !== null ? 'present' : { unreadable: 'the answer has no call' },
	};
}

/** A call's stored files: Stream lists and deletes recordings and transcriptions alike. */
export type CallFileKind = 'recordings' | 'transcriptions';

/** Paths as in Stream's server SDK (GetStream/stream-node src/gen/video/VideoApi.ts). */
export const streamPaths = {
	call: (type: string, id: string) => `/api/v2/video/call/${pathSegment(type)}/${pathSegment(id)}`,
	deleteCall: (type: string, id: string) => `${streamPaths.call(type, id)}/delete`,
	/** listRecordings / listTranscriptions: every file of the call, no paging. */
	callFiles: (kind: CallFileKind, type: string, id: string) => `${streamPaths.call(type, id)}/${kind}`,
	/** deleteRecording / deleteTranscription: one file of one session. */
	callFile: (kind: CallFileKind, type: string, id: string, session: string, filename: string) =>
		`${streamPaths.call(type, id)}/${pathSegment(session)}/${kind}/${pathSegment(filename)}`,
	task: (id: string) => `/api/v2/tasks/${pathSegment(id)}`,
	queryCalls: () => '/api/v2/video/calls',
};

/** Stream's API for one execution (an action run or one poll of the trigger). */
export async function openStreamApi(
	ctx: IExecuteFunctions | IPollFunctions,
	options: TransportOptions = DEFAULT_TRANSPORT_OPTIONS,
): Promise<ProviderClient> {
	const credentials = await ctx.getCredentials(STREAM_CREDENTIAL);
	const problem = secureUrlProblem(credentials.baseUrl, 'Stream Video base URL');
	if (problem) return new ProviderClient(ctx, streamProfile, STREAM_PACING, '', options).refuseEveryRequest(problem);
	return new ProviderClient(ctx, streamProfile, STREAM_PACING, trimmedUrl(credentials.baseUrl as string), options);
}

/** A hard-delete task is finished once it completed or failed (Stream docs, misc/async). */
export const TERMINAL_TASK_STATUSES = new Set(['completed', 'failed']);

/** A Stream task as items report it: status, and ISO times whatever format Stream used. */
export function describeTask(task: IDataObject): IDataObject {
	const status = typeof task.status === 'string' ? task.status : 'unknown';
	const described: IDataObject = {
		taskId: task.task_id,
		status,
		createdAt: toIsoTime(task.created_at),
		updatedAt: toIsoTime(task.updated_at),
	};
	if (TERMINAL_TASK_STATUSES.has(status)) described.finishedAt = toIsoTime(task.updated_at);
	if (task.error) described.error = task.error;
	if (task.result) described.result = task.result;
	return described;
}
