import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { deletionOptions, signReceiptsField } from '../../../shared/descriptions';
import { notFoundOrError, unconfirmedDeletion, verifiedNow, verifyGone } from '../../../shared/erasure';
import { idParameter, itemParameter } from '../../../shared/parameters';
import { apiVersionOption, callIdField, graphApiVersion, graphCallIdRule } from '../../descriptions';
import type { GraphSession } from '../../session';
import { graphPaths, isGraphCallNotFound } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName:
			'Microsoft Graph "delete call" HANGS UP an active call; for a group call only this app\'s leg leaves and the meeting goes on. It erases no data: call records, recordings and transcripts stay where they are.',
		name: 'hangUpNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	signReceiptsField,
	deletionOptions({
		first: [apiVersionOption],
		verifyDescription:
			'Whether to look the call up again after the hang-up and record "verified" only when Graph no longer knows it as an active call. A call still active fails the item.',
	}),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: GraphSession): Promise<IDataObject> {
	const callId = idParameter(this, graphCallIdRule, itemIndex);
	const options = itemParameter<IDataObject>(this, 'options', itemIndex, {});
	const apiVersion = graphApiVersion(this, options.apiVersion, itemIndex, callId);
	const path = graphPaths.call(apiVersion, callId);
	const context = { callId };
	const dryRun = options.dryRun === true;

	const response = await session.client.request({ method: dryRun ? 'GET' : 'DELETE', path, context }, itemIndex, [404]);
	if (response.status === 404) {
		// Graph's 404 8522/9997 is itself the look-up: no active call by this ID.
		const verified = options.verify === true ? verifiedNow() : {};
		return notFoundOrError(
			session.client,
			response,
			{ callId, itemIndex, extra: { apiVersion, hungUp: false, ...verified }, context },
			{
				matches: isGraphCallNotFound(response.status, response.body),
				ignoreNotFound: options.ignoreNotFound === true,
				advice: 'The call is unknown or has already ended, so there is nothing to hang up. Turn on "Ignore Not Found" to count it as done.',
			},
		);
	}
	if (dryRun) {
		return deletionAudit(callId, 'dry_run', response, {
			apiVersion,
			wouldHangUp: true,
			state: response.body.state,
			direction: response.body.direction,
		});
	}
	// DELETE /communications/calls/{id} answers 204 No Content (learn.microsoft.com/graph/api/call-delete).
	if (response.status !== 204)
		throw unconfirmedDeletion(session.client, response, itemIndex, context, `HTTP ${response.status} instead of 204`);
	const record = deletionAudit(callId, 'deleted', response, {
		apiVersion,
		hungUp: true,
		clientRequestId: response.headers['client-request-id'],
	});
	if (options.verify === true) {
		Object.assign(
			record,
			// Gone: 404 "Call not found." (8522/9997), or the call reads as terminated (call resource states, Graph docs).
			await verifyGone(session.client, itemIndex, context, {
				request: { method: 'GET', path, context },
				isNotFound: (lookedUp) => isGraphCallNotFound(lookedUp.status, lookedUp.body),
				readsAs: (lookedUp) =>
					typeof lookedUp.body.state !== 'string'
						? { unreadable: 'the answer has no call state' }
						: lookedUp.body.state === 'terminated'
							? 'gone'
							: 'present',
			}),
		);
	}
	return record;
}
