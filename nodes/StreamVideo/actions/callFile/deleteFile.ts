import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { deletionOptions, signReceiptsField } from '../../../shared/descriptions';
import { unconfirmedDeletion, verifyGone, type GoneCheck } from '../../../shared/erasure';
import { idParameter, itemParameter } from '../../../shared/parameters';
import { callIdField, callIdRule, callTypeField, callTypeRule, filenameRule, sessionIdRule } from '../../descriptions';
import { minimalFile } from '../../minimal';
import type { StreamSession } from '../../session';
import { isStreamNotFound, streamPaths } from '../../transport';
import { entriesOf, fileFields, listFiles, listRequest, type CallFileResource } from './files';

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
		signReceiptsField,
		deletionOptions({
			verifyDescription: `Whether to list the call's ${files.kind} again after the delete and record "verified" only when the file is gone`,
		}),
	];

	return {
		description: updateDisplayOptions({ show: { resource: [files.resource], operation: ['delete'] } }, properties),
		async execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
			const node = this.getNode();
			const callType = idParameter(this, callTypeRule, itemIndex);
			const callId = idParameter(this, callIdRule, itemIndex);
			const sessionId = idParameter(this, sessionIdRule, itemIndex);
			const filename = idParameter(this, filenameRule, itemIndex);
			const options = itemParameter<IDataObject>(this, 'options', itemIndex, {});
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
				return deletionAudit(callId, entry ? 'dry_run' : 'not_found', response, {
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
			const record = deletionAudit(callId, 'deleted', response, identity);
			if (options.verify === true) {
				const gone: GoneCheck = {
					request: listRequest(files, callType, callId),
					isNotFound: (listed) => isStreamNotFound(listed.status, listed.body),
					// Gone only when the answer lists the call's files and this one is not among them.
					readsAs: (listed) =>
						!Array.isArray(listed.body[files.kind])
							? { unreadable: `the answer has no ${files.kind} list` }
							: entriesOf(listed, files).some(isThisFile)
								? 'present'
								: 'gone',
				};
				Object.assign(record, await verifyGone(session.client, itemIndex, context, gone));
			}
			return record;
		},
	};
}
