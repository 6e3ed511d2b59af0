import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { deletionOptions, signReceiptsField } from '../../../shared/descriptions';
import { answerError, notFoundOrError, unconfirmedDeletion, unverifiable, verifiedNow, verifyGone } from '../../../shared/erasure';
import type { ApiRequest, ApiResponse } from '../../../shared/types';
import { idParameter, itemParameter } from '../../../shared/parameters';
import { callIdField, huskyCallIdRule, huskyTransportOptions } from '../../descriptions';
import type { HuskySession } from '../../session';
import { huskyPaths, isHuskyNotFound } from '../../transport';

const NOT_FOUND_ADVICE =
	'HuskyVoice has no COMPLETED call with this ID: it may still be pending or in progress (use Cancel for a pending call), cancelled, already deleted, or unknown. The webhook cannot look calls up to tell which; use API Key authentication for that. Turn on "Ignore Not Found" to count it as done.';
const GONE_ADVICE =
	'HuskyVoice does not know this call: it was already erased, or never existed. Turn on "Ignore Not Found" to count it as done.';
const WEBHOOK_NOT_FOUND_NOTE =
	'HuskyVoice answered NOT_FOUND. The webhook cannot look calls up, so this may also be a call that is not completed yet.';
const NOT_COMPLETED_ADVICE: Record<string, string> = {
	queued: 'The call is still queued. Cancel it (Cancel keeps the record), or run the erasure again once it has completed.',
	initiated: 'The call is in progress. Run the erasure again once it has completed.',
	ringing: 'The call is in progress. Run the erasure again once it has completed.',
	in_progress: 'The call is in progress. Run the erasure again once it has completed.',
	cancelled: 'HuskyVoice deletes only completed calls, and a cancelled call keeps its record. Ask HuskyVoice support to erase it.',
	failed: 'HuskyVoice deletes only completed calls, and a failed call keeps its record. Ask HuskyVoice support to erase it.',
	default: 'HuskyVoice deletes only completed calls. Run the erasure again once the call has completed, or ask HuskyVoice support.',
};

const properties: INodeProperties[] = [
	{
		displayName:
			'Deletion permanently erases the customer data of a COMPLETED call (transcript, recording metadata, contact details). Pending calls cannot be deleted: use Cancel.',
		name: 'erasureNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	signReceiptsField,
	deletionOptions({ transport: huskyTransportOptions }),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: HuskySession): Promise<IDataObject> {
	const callId = idParameter(this, huskyCallIdRule, itemIndex);
	const options = itemParameter<IDataObject>(this, 'options', itemIndex, {});
	const via = session.viaWebhook ? 'webhook' : 'api';
	const context = { callId };

	if (options.dryRun === true) {
		if (session.viaWebhook) {
			// Nothing is sent: the webhook can only delete, and a dry run must never be what breaks a run.
			const requestedAt = new Date().toISOString();
			return {
				provider: session.client.profile.provider,
				callId,
				deleted: false,
				outcome: 'dry_run',
				httpStatus: null,
				requestedAt,
				completedAt: requestedAt,
				via,
				wouldDelete: null,
				note: WEBHOOK_CANNOT_LOOK_UP,
			};
		}
		const response = await session.client.request(callRequest(callId), itemIndex, [404]);
		// The look-up's own 404 already says the call is gone.
		if (response.status === 404) {
			return notFoundOrError(
				session.client,
				response,
				{ callId, itemIndex, extra: { via }, context },
				{ matches: isHuskyNotFound(response.status, response.body), ignoreNotFound: options.ignoreNotFound === true, advice: GONE_ADVICE },
			);
		}
		const call = (response.body.data ?? {}) as IDataObject;
		return deletionAudit(callId, 'dry_run', response, {
			via,
			status: call.status,
			deletable: call.status === 'completed',
			wouldDelete: call.status === 'completed',
		});
	}

	const response = session.viaWebhook
		? await session.client.request(
				{ method: 'POST', path: huskyPaths.hook(), body: { action: 'call.delete', data: { call_id: callId } }, context },
				itemIndex,
				[404],
			)
		: await session.client.request({ method: 'DELETE', path: huskyPaths.call(callId), context }, itemIndex, [404]);
	if (response.status === 404) {
		const record = await notFound(session, response, callId, options, itemIndex, via);
		if (options.verify === true) Object.assign(record, session.viaWebhook ? unverifiable(WEBHOOK_CANNOT_LOOK_UP) : verifiedNow());
		return record;
	}

	// The documented success: 200 {"data": {"call_id": "<id>", "deleted": true}} (docs.huskyvoice.ai, Deleting Calls).
	const data = (response.body.data ?? {}) as IDataObject;
	const unconfirmed =
		response.status !== 200
			? `HTTP ${response.status} instead of 200`
			: data.deleted !== true
				? `"deleted" is ${JSON.stringify(data.deleted ?? null)}, not true`
				: data.call_id !== callId
					? `the answer is about call ${JSON.stringify(data.call_id ?? null)}`
					: undefined;
	if (unconfirmed) throw unconfirmedDeletion(session.client, response, itemIndex, context, unconfirmed);

	const record = deletionAudit(callId, 'deleted', response, { via });
	if (options.verify === true) {
		Object.assign(
			record,
			session.viaWebhook
				? unverifiable(WEBHOOK_CANNOT_LOOK_UP)
				: await verifyGone(session.client, itemIndex, context, {
						request: callRequest(callId),
						isNotFound: (lookedUp) => isHuskyNotFound(lookedUp.status, lookedUp.body),
						readsAs: (lookedUp) =>
							typeof lookedUp.body.data === 'object' && lookedUp.body.data !== null
								? 'present'
								: { unreadable: 'the answer has no call data' },
					}),
		);
	}
	return record;
}

const WEBHOOK_CANNOT_LOOK_UP =
	'The inbound webhook can only delete, so the call could not be looked up. Use API Key authentication to dry-run or verify.';

/** GET /v1/calls/{id}: 404 NOT_FOUND once the record is gone (a delete removes it; a cancel keeps it). */
function callRequest(callId: string): ApiRequest {
	return { method: 'GET', path: huskyPaths.call(callId), context: { callId } };
}

/**
 * HuskyVoice answers a delete with 404 NOT_FOUND both for "no such call" and for a call that is not
 * completed (docs.huskyvoice.ai, Deleting Calls). With an API key the call is looked up to tell them apart:
 * gone is "not_found" (already erased), anything else is an error saying what to do.
 */
async function notFound(
	session: HuskySession,
	response: ApiResponse,
	callId: string,
	options: IDataObject,
	itemIndex: number,
	via: string,
): Promise<IDataObject> {
	const client = session.client;
	const item = { callId, itemIndex, context: { callId } };
	const matches = isHuskyNotFound(response.status, response.body);
	const ignoreNotFound = options.ignoreNotFound === true;
	if (!matches || session.viaWebhook) {
		return notFoundOrError(
			client,
			response,
			{ ...item, extra: { via, note: WEBHOOK_NOT_FOUND_NOTE } },
			{ matches, ignoreNotFound, advice: NOT_FOUND_ADVICE },
		);
	}
	const lookedUp = await client.request(callRequest(callId), itemIndex, [404]);
	if (lookedUp.status === 404 && !isHuskyNotFound(lookedUp.status, lookedUp.body)) {
		// A 404 from something else (a gateway's "no route") says nothing about the call.
		throw answerError(
			client,
			lookedUp,
			{
				itemIndex,
				context: { callId },
				code: client.failureFrom(lookedUp).code,
				message: `The look-up of call ${callId} answered a 404 that is not HuskyVoice's NOT_FOUND`,
			},
			'Nothing was deleted, and whether the call still exists is unknown. Check the base URL and any proxy in front of HuskyVoice, then run the erasure again.',
		);
	}
	if (lookedUp.status !== 404) {
		const status = String(((lookedUp.body.data ?? {}) as IDataObject).status ?? 'unknown');
		// The provider's own code (NOT_FOUND) stays; the message says what the look-up found.
		throw answerError(
			client,
			response,
			{
				itemIndex,
				context: { callId, callStatus: status },
				code: client.failureFrom(response).code,
				message: `Call ${callId} is ${status}, not completed, so it cannot be erased yet`,
			},
			NOT_COMPLETED_ADVICE[status] ?? NOT_COMPLETED_ADVICE.default,
		);
	}
	return notFoundOrError(client, response, { ...item, extra: { via } }, { matches, ignoreNotFound, advice: GONE_ADVICE });
}
