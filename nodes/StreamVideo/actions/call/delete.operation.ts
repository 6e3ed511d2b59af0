import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { dryRunOption, ignoreNotFoundOption, transportOptions } from '../../../shared/descriptions';
import { requireId } from '../../../shared/validation';
import { callIdField, callIdRule, callTypeField, callTypeRule } from '../../descriptions';
import type { StreamSession } from '../../session';
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
			'Hard delete is irreversible: the call, its sessions, recordings and transcriptions are erased and cannot be recovered. Stream erases asynchronously; the item carries the task ID, and "Wait for Completion" waits for the result.',
		name: 'hardDeleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { deleteMode: ['hard'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			dryRunOption,
			ignoreNotFoundOption,
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
			...transportOptions,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
	const node = this.getNode();
	const callType = requireId(node, this.getNodeParameter('callType', itemIndex), callTypeRule, itemIndex);
	const callId = requireId(node, this.getNodeParameter('callId', itemIndex), callIdRule, itemIndex);
	const hard = this.getNodeParameter('deleteMode', itemIndex) === 'hard';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const cid = `${callType}:${callId}`;
	const identity = { callType, cid, deleteMode: hard ? 'hard' : 'soft' };
	const context = { callId, callType };

	if (options.dryRun === true) {
		const response = await session.api.request(
			{ method: 'GET', path: streamPaths.call(callType, callId), rateLimitKey: 'getCall', context },
			itemIndex,
			[404],
		);
		if (response.status === 404) return session.notFound(response, callId, identity, options, itemIndex);
		const call = (response.body.call ?? {}) as IDataObject;
		return deletionAudit('streamVideo', callId, 'dry_run', response, {
			...identity,
			wouldDelete: true,
			call: summarizeCall(call),
		});
	}

	const response = await session.api.request(
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
	if (response.status === 404) return session.notFound(response, callId, identity, options, itemIndex);

	const record = deletionAudit('streamVideo', callId, 'deleted', response, identity);
	const taskId = response.body.task_id;
	if (hard && typeof taskId === 'string') {
		record.taskId = taskId;
		record.taskStatus = 'pending';
		if (options.waitForCompletion === true) session.waitForTask(record, itemIndex, Number(options.waitTimeout ?? 60));
	}
	return record;
}

/** The parts of a call worth keeping in an audit record. */
export function summarizeCall(call: IDataObject): IDataObject {
	return {
		cid: call.cid,
		createdAt: call.created_at,
		endedAt: call.ended_at ?? null,
		live: call.ended_at === null || call.ended_at === undefined,
		createdBy: (call.created_by as IDataObject | undefined)?.id,
	};
}
