import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { dryRunOption, ignoreNotFoundOption } from '../../../shared/descriptions';
import { requireId } from '../../../shared/validation';
import { callIdField, huskyTransportOptions } from '../../descriptions';
import type { HuskySession } from '../../transport';
import { huskyCallIdRule, huskyPaths, isHuskyNotFound } from '../../transport';

const NOT_FOUND_ADVICE =
	'HuskyVoice has no COMPLETED call with this ID: it may still be pending or in progress (use Cancel for a pending call), cancelled, already deleted, or unknown. Turn on "Ignore Not Found" to count it as done.';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deletion permanently erases the customer data of a COMPLETED call (transcript, recording metadata, contact details). Pending calls cannot be deleted: use Cancel.',
		name: 'erasureNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [dryRunOption, ignoreNotFoundOption, ...huskyTransportOptions],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: HuskySession): Promise<IDataObject> {
	const callId = requireId(this.getNode(), this.getNodeParameter('callId', itemIndex), huskyCallIdRule, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const via = session.viaWebhook ? 'webhook' : 'api';
	const context = { callId };

	if (options.dryRun === true) {
		if (session.viaWebhook) {
			throw new NodeOperationError(this.getNode(), 'Dry run needs API key authentication', {
				itemIndex,
				description: 'A dry run looks the call up, and the inbound webhook can only delete. Switch Authentication to API Key for dry runs.',
			});
		}
		const response = await session.request({ method: 'GET', path: huskyPaths.call(callId), context }, itemIndex, [404]);
		if (response.status === 404) return notFound(session, response, callId, options, itemIndex, via);
		const call = (response.body.data ?? {}) as IDataObject;
		return deletionAudit('huskyVoice', callId, 'dry_run', response, {
			via,
			status: call.status,
			deletable: call.status === 'completed',
			wouldDelete: call.status === 'completed',
		});
	}

	const response = session.viaWebhook
		? await session.request(
				{ method: 'POST', path: huskyPaths.hook(), body: { action: 'call.delete', data: { call_id: callId } }, context },
				itemIndex,
				[404],
			)
		: await session.request({ method: 'DELETE', path: huskyPaths.call(callId), context }, itemIndex, [404]);
	if (response.status === 404) return notFound(session, response, callId, options, itemIndex, via);
	return deletionAudit('huskyVoice', callId, 'deleted', response, { via });
}

function notFound(
	session: HuskySession,
	response: Awaited<ReturnType<HuskySession['request']>>,
	callId: string,
	options: IDataObject,
	itemIndex: number,
	via: string,
): IDataObject {
	const notFoundAnswer = isHuskyNotFound(response.status, response.body);
	if (notFoundAnswer && (options.ignoreNotFound === true || response.retriedAfterLostResponse)) {
		return deletionAudit('huskyVoice', callId, 'not_found', response, { via });
	}
	throw session.client.toNodeError(
		session.client.failureFrom(response),
		itemIndex,
		{ context: { callId } },
		notFoundAnswer ? NOT_FOUND_ADVICE : undefined,
	);
}
