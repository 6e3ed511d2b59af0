import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { idParameter } from '../../../shared/parameters';
import { apiKeyOperation, callIdField, huskyCallIdRule, huskyTransportOptions } from '../../descriptions';
import type { HuskySession } from '../../session';
import { huskyPaths } from '../../transport';
import { optionsCollection } from '../../../shared/descriptions';

const properties: INodeProperties[] = [
	{
		displayName:
			'Cancel stops a queued call from being dialled and keeps its record. It works only while the call is queued; to erase a completed call, use Delete.',
		name: 'cancelNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	optionsCollection(huskyTransportOptions),
];

export const description = apiKeyOperation('cancel', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: HuskySession): Promise<IDataObject> {
	const callId = idParameter(this, huskyCallIdRule, itemIndex);
	const response = await session.client.request({ method: 'POST', path: huskyPaths.cancel(callId), context: { callId } }, itemIndex);
	return {
		provider: session.client.profile.provider,
		callId,
		cancelled: response.body.success === true || response.body.status === 'cancelled',
		status: response.body.status,
		message: response.body.message,
		httpStatus: response.status,
		requestedAt: response.requestedAt,
		durationMs: response.durationMs,
		attempts: response.attempts,
	};
}
