import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../shared/audit';
import {
	dryRunOption,
	ignoreNotFoundOption,
	optionsCollection,
	rerunOption,
	simplifyField,
	transportOptions,
	verifyOption,
} from '../shared/descriptions';
import { unconfirmedDeletion, verifyGone, type LookUpResult } from '../shared/erasure';
import type { ApiResponse } from '../shared/types';
import { requireId } from '../shared/validation';
import { callIdField, callIdRule, callTypeField, callTypeRule, filenameRule, sessionIdRule } from './descriptions';
import { minimalFile } from './minimal';
import type { StreamSession } from './session';
import { isStreamNotFound, streamPaths, type CallFileKind } from './transport';

/**
 * A call's recordings and transcriptions: Stream lists and deletes both the same way (stream-node VideoApi
 * listRecordings/deleteRecording, listTranscriptions/deleteTranscription). Only files stored on Stream are
 * deleted; files on the app's own external storage are not (Stream docs, "Recording → Manage").
 */
export interface CallFileResource {
	/** The n8n resource value. */
	resource: 'recording' | 'transcription';
	kind: CallFileKind;
	label: 'Recording' | 'Transcription';
}

export const recordingFiles: CallFileResource = { resource: 'recording', kind: 'recordings', label: 'Recording' };
export const transcriptionFiles: CallFileResource = { resource: 'transcription', kind: 'transcriptions', label: 'Transcription' };

function fileFields(files: CallFileResource): INodeProperties[] {
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

async function listFiles(
	session: StreamSession,
	files: CallFileResource,
	callType: string,
	callId: string,
	itemIndex: number,
	accept: number[] = [],
) {
	return await session.client.request(
		{
			method: 'GET',
			path: streamPaths.callFiles(files.kind, callType, callId),
			rateLimitKey: files.kind === 'recordings' ? 'listRecordings' : 'listTranscriptions',
			context: { callId, callType },
		},
		itemIndex,
		accept,
	);
}

function entriesOf(response: ApiResponse, files: CallFileResource): IDataObject[] {
	const entries = response.body[files.kind];
	return Array.isArray(entries) ? (entries as IDataObject[]) : [];
}

function readIdentity(ctx: IExecuteFunctions, itemIndex: number) {
	const node = ctx.getNode();
	const callType = requireId(node, ctx.getNodeParameter('callType', itemIndex), callTypeRule, itemIndex);
	const callId = requireId(node, ctx.getNodeParameter('callId', itemIndex), callIdRule, itemIndex);
	return { callType, callId };
}

/** Get Many: every recording (or transcription) of a call, one item each. */
export function getManyFilesOperation(files: CallFileResource) {
	const properties: INodeProperties[] = [
		callTypeField,
		callIdField,
		simplifyField(
			`each ${files.label.toLowerCase()} as Stream lists it, with its signed url: a link that lets anyone holding it download the file`,
		),
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add filter',
			default: {},
			options: [
				{
					displayName: 'Ended Before',
					name: 'endedBefore',
					type: 'dateTime',
					default: '',
					description: `Only ${files.kind} that ended before this time, e.g. {{ $now.minus({ days: 30 }) }} to keep 30 days`,
				},
			],
		},
		optionsCollection([...transportOptions]),
	];
	return {
		description: updateDisplayOptions({ show: { resource: [files.resource], operation: ['getMany'] } }, properties),
		async execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject[]> {
			const { callType, callId } = readIdentity(this, itemIndex);
			const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
			const endedBefore = filters.endedBefore ? Date.parse(String(filters.endedBefore)) : undefined;
			if (endedBefore !== undefined && Number.isNaN(endedBefore)) {
				throw new NodeOperationError(this.getNode(), `Ended Before "${String(filters.endedBefore)}" is not a date`, { itemIndex });
			}
			const simplify = this.getNodeParameter('simplify', itemIndex, true) === true;
			const response = await listFiles(session, files, callType, callId, itemIndex);
			return entriesOf(response, files)
				.map((entry) => ({ entry, minimal: minimalFile(entry, callType, callId) }))
				.filter(
					({ minimal }) => endedBefore === undefined || (minimal.endTime !== null && Date.parse(String(minimal.endTime)) < endedBefore),
				)
				.map(({ entry, minimal }) => (simplify ? minimal : { ...minimal, url: entry.url }));
		},
	};
}

/** Delete: one stored file of one session, with an audit record. */
export function deleteFileOperation(files: CallFileResource) {
	const lower = files.label.toLowerCase();
	const properties: INodeProperties[] = [
		{
			displayName: `Deletes one ${lower} stored on Stream, permanently. Files on your own external storage are not touched by Stream: delete them there.`,
			name: 'fileDeleteNotice',
			type: 'notice',
			default: '',
		},
		callTypeField,
		callIdField,
		...fileFields(files),
		optionsCollection([
			dryRunOption,
			ignoreNotFoundOption,
			rerunOption,
			{
				...verifyOption,
				description: `Whether to list the call's ${files.kind} again after the delete and record "verified" only when the file is gone`,
			},
			...transportOptions,
		]),
	];

	return {
		description: updateDisplayOptions({ show: { resource: [files.resource], operation: ['delete'] } }, properties),
		async execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
			const node = this.getNode();
			const { callType, callId } = readIdentity(this, itemIndex);
			const sessionId = requireId(node, this.getNodeParameter('sessionId', itemIndex), sessionIdRule, itemIndex);
			const filename = requireId(node, this.getNodeParameter('filename', itemIndex), filenameRule, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const cid = `${callType}:${callId}`;
			const identity = { callType, cid, sessionId, filename, resource: files.resource };
			const context = { callId, callType, cid, sessionId, filename };
			const isThisFile = (entry: IDataObject) => entry.session_id === sessionId && entry.filename === filename;

			if (options.dryRun === true) {
				const response = await listFiles(session, files, callType, callId, itemIndex, [404]);
				if (response.status === 404) return session.notFound(response, callId, identity, options, itemIndex, lower);
				const entry = entriesOf(response, files).find(isThisFile);
				if (!entry && options.ignoreNotFound !== true) {
					const error = new NodeOperationError(node, `Stream Video: no ${lower} "${filename}" in session ${sessionId} of call ${cid}`, {
						itemIndex,
						description: `Get Many lists the ${files.kind} the call has. Turn on "Ignore Not Found" to count a missing file as done.`,
					});
					error.context = { ...error.context, ...context };
					throw error;
				}
				return deletionAudit('streamVideo', callId, entry ? 'dry_run' : 'not_found', response, {
					...identity,
					wouldDelete: entry !== undefined,
					...(entry ? { file: minimalFile(entry, callType, callId) } : {}),
				});
			}

			const response = await session.client.request(
				{
					method: 'DELETE',
					path: streamPaths.callFile(files.kind, callType, callId, sessionId, filename),
					rateLimitKey: files.kind === 'recordings' ? 'deleteRecording' : 'deleteTranscription',
					context,
				},
				itemIndex,
				[404],
			);
			if (response.status === 404) return session.notFound(response, callId, identity, options, itemIndex, lower);
			// DeleteRecording / DeleteTranscription answer 200 with {duration} (Stream's OpenAPI spec).
			if (response.status !== 200) {
				throw unconfirmedDeletion(session.client, response, itemIndex, context, `HTTP ${response.status} instead of 200`);
			}
			const record = deletionAudit('streamVideo', callId, 'deleted', response, identity);
			if (options.verify === true) {
				const lookUp = async (): Promise<LookUpResult> => {
					const listed = await listFiles(session, files, callType, callId, itemIndex, [404]);
					if (listed.status === 404 && isStreamNotFound(listed.status, listed.body)) return { gone: true };
					return entriesOf(listed, files).some(isThisFile) ? { gone: false, response: listed } : { gone: true };
				};
				Object.assign(record, await verifyGone(session.client, itemIndex, context, lookUp));
			}
			return record;
		},
	};
}
