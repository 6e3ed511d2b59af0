import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ApiRequest, ApiResponse } from '../../../shared/types';
import type { StreamSession } from '../../session';
import { streamPaths, type CallFileKind } from '../../transport';

/**
 * A call's recordings and transcriptions: Stream lists and deletes both the same way (stream-node VideoApi
 * listRecordings/deleteRecording, listTranscriptions/deleteTranscription), so one Get Many and one Delete
 * serve both resources. Only files stored on Stream are deleted; files on the app's own external storage
 * are not (Stream docs, "Recording → Manage").
 */
export interface CallFileResource {
	/** The n8n resource value. */
	resource: 'recording' | 'transcription';
	kind: CallFileKind;
	label: 'Recording' | 'Transcription';
}

export const recordingFiles: CallFileResource = { resource: 'recording', kind: 'recordings', label: 'Recording' };
export const transcriptionFiles: CallFileResource = { resource: 'transcription', kind: 'transcriptions', label: 'Transcription' };

export function fileFields(files: CallFileResource): INodeProperties[] {
	const lower = files.label.toLowerCase();
	return [
		{
			displayName: 'Session ID',
			name: 'sessionId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 0f3c5a1e-…',
			description: `The session_id of the ${lower}, as Get Many returns it (sessionId)`,
		},
		{
			displayName: 'Filename',
			name: 'filename',
			type: 'string',
			required: true,
			default: '',
			description: `The filename of the ${lower}, as Get Many returns it`,
		},
	];
}

/** listRecordings / listTranscriptions: every file of the call, no paging. */
export function listRequest(files: CallFileResource, callType: string, callId: string): ApiRequest {
	return {
		method: 'GET',
		path: streamPaths.callFiles(files.kind, callType, callId),
		rateLimitKey: files.kind === 'recordings' ? 'listRecordings' : 'listTranscriptions',
		context: { callId, callType },
	};
}

export async function listFiles(
	session: StreamSession,
	files: CallFileResource,
	callType: string,
	callId: string,
	itemIndex: number,
	accept: number[] = [],
): Promise<ApiResponse> {
	return await session.client.request(listRequest(files, callType, callId), itemIndex, accept);
}

export function entriesOf(response: ApiResponse, files: CallFileResource): IDataObject[] {
	const entries = response.body[files.kind];
	return Array.isArray(entries) ? (entries as IDataObject[]) : [];
}
