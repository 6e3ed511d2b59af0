import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { deletionOptions, signReceiptsField } from '../../../shared/descriptions';
import { unconfirmedDeletion, unverifiable } from '../../../shared/erasure';
import { idParameter, itemParameter } from '../../../shared/parameters';
import { callIdField, callIdRule, callTypeField, callTypeRule } from '../../descriptions';
import { minimalCall } from '../../minimal';
import type { StreamIdentity, StreamSession } from '../../session';
import { streamPaths } from '../../transport';

const properties: INodeProperties[] = [
	callTypeField,
	callIdField,
	{
		displayName: 'Delete Mode',
		name: 'deleteMode',
		type: 'options',
		default: 'soft',
		options: [
			{
				name: 'Soft',
				value: 'soft',
				description: 'The call and its data are no longer reachable through the API, but Stream keeps them',
			},
			{
				name: 'Hard',
				value: 'hard',
				description: 'The call and all its data (members, sessions, recordings, transcriptions) are wiped. Irreversible.',
			},
		],
	},
	{
		displayName:
			'Hard delete is irreversible: the call, its sessions, and the recordings and transcriptions stored on Stream are erased and cannot be recovered. Files your app writes to its own external storage (your S3, GCS or Azure bucket) are NOT erased by Stream: delete them there. Stream erases asynchronously; the item carries the task ID, and "Wait for Completion" waits for the result.',
		name: 'hardDeleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { deleteMode: ['hard'] } },
	},
	signReceiptsField,
	deletionOptions({
		extra: [
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait, for a hard delete, until Stream reports the erasure completed or failed. All items of the run are watched together.',
			},
			{
				displayName: 'Wait Timeout (Seconds)',
				name: 'waitTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description:
					'Longest time to wait for all hard-delete tasks of this run. Items whose task is still running then report its last status.',
			},
		],
	}),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
	const callType = idParameter(this, callTypeRule, itemIndex);
	const callId = idParameter(this, callIdRule, itemIndex);
	const hard = itemParameter(this, 'deleteMode', itemIndex) === 'hard';
	const options = itemParameter<IDataObject>(this, 'options', itemIndex, {});
	const cid = `${callType}:${callId}`;
	const identity: StreamIdentity = { callType, cid, deleteMode: hard ? 'hard' : 'soft' };
	const context = { callId, callType };

	if (options.dryRun === true) {
		const response = await session.client.request(
			{ method: 'GET', path: streamPaths.call(callType, callId), rateLimitKey: 'getCall', context },
			itemIndex,
			[404],
		);
		if (response.status === 404) return session.notFound(response, callId, identity, options, itemIndex);
		const call = (response.body.call ?? {}) as IDataObject;
		return deletionAudit(callId, 'dry_run', response, {
			...identity,
			wouldDelete: true,
			// What a dry run shows of the call: identifiers, times, states and counts, never members or custom data.
			call: minimalCall(call, response.body.members),
		});
	}

	const response = await session.client.request(
		{
			method: 'POST',
			path: streamPaths.deleteCall(callType, callId),
			body: { hard },
			rateLimitKey: 'deleteCall',
			context,
		},
		itemIndex,
		[404],
	);
	if (response.status === 404) {
		const record = session.notFound(response, callId, identity, options, itemIndex);
		// Stream does not document whether a hard delete can follow a soft delete, so "not found" proves no erasure.
		if (options.verify === true) Object.assign(record, unverifiable(NOT_FOUND_UNVERIFIED));
		return record;
	}

	// DeleteCall answers 201 with `call`, and `task_id` for a hard delete (stream-node DeleteCallResponse).
	const deletedCall = response.body.call as IDataObject | undefined;
	const taskId = response.body.task_id;
	const unconfirmed =
		response.status !== 201
			? `HTTP ${response.status} instead of 201`
			: typeof deletedCall !== 'object' || deletedCall === null
				? 'no call in the answer'
				: deletedCall.cid !== undefined && deletedCall.cid !== cid
					? `the answer is about ${String(deletedCall.cid)}`
					: hard && (typeof taskId !== 'string' || taskId === '')
						? 'no task_id for the hard delete'
						: undefined;
	if (unconfirmed) throw unconfirmedDeletion(session.client, response, itemIndex, { ...context, cid }, unconfirmed);

	const record = deletionAudit(callId, 'deleted', response, identity);
	if (hard) {
		record.taskId = taskId as string;
		record.taskStatus = 'pending';
		// Verifying a hard delete means waiting for its task: the erasure is done only when the task completed.
		if (options.waitForCompletion === true || options.verify === true) {
			session.waitForTask(record, itemIndex, Number(options.waitTimeout ?? 60), options.verify === true);
		}
	} else if (options.verify === true) {
		// Not found after a soft delete proves only that the API hides the call: Stream keeps its data.
		Object.assign(record, unverifiable(SOFT_DELETE_UNVERIFIED));
	}
	return record;
}

const SOFT_DELETE_UNVERIFIED =
	'A soft delete hides the call from the API, but Stream keeps its data, so it is not an erasure and is never verified as one. Use Delete Mode "Hard" to erase the call and its data.';

const NOT_FOUND_UNVERIFIED =
	'Stream does not know this call: it was deleted before. If that was a soft delete, Stream may still hold its data; Stream does not document whether a hard delete can follow a soft delete.';
