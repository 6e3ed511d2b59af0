import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { idParameter } from '../../../shared/parameters';
import { apiKeyOperation, callIdField, huskyCallIdRule, huskyTransportOptions } from '../../descriptions';
import type { HuskySession } from '../../session';
import { huskyPaths } from '../../transport';
import { optionsCollection, simplifyField } from '../../../shared/descriptions';
import { minimalCall } from '../../minimal';

const properties: INodeProperties[] = [
	callIdField,
	simplifyField("the call record with the contact's name and phone number, and every other field HuskyVoice keeps for the call"),
	optionsCollection(huskyTransportOptions),
];

export const description = apiKeyOperation('get', properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: HuskySession): Promise<IDataObject> {
	const callId = idParameter(this, huskyCallIdRule, itemIndex);
	const response = await session.client.request({ method: 'GET', path: huskyPaths.call(callId), context: { callId } }, itemIndex);
	const call = (response.body.data ?? response.body) as IDataObject;
	if (this.getNodeParameter('simplify', itemIndex, true) === true) return minimalCall(call);
	return { ...call, deletable: call.status === 'completed' };
}
