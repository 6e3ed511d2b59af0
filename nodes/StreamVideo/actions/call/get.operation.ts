import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { idParameter } from '../../../shared/parameters';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, simplifyField, transportOptions } from '../../../shared/descriptions';
import { callIdField, callIdRule, callTypeField, callTypeRule } from '../../descriptions';
import { minimalCall } from '../../minimal';
import type { StreamSession } from '../../session';
import { streamPaths } from '../../transport';

/** What Get and Get Many return with Simplify off. */
export const FULL_CALL_ANSWER =
	"the call object (with its creator's user profile, custom data and the session's participants) and its members (each with a user profile: name, image, custom data)";

const properties: INodeProperties[] = [
	callTypeField,
	callIdField,
	simplifyField(FULL_CALL_ANSWER),
	optionsCollection([...transportOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
	const callType = idParameter(this, callTypeRule, itemIndex);
	const callId = idParameter(this, callIdRule, itemIndex);
	const response = await session.client.request(
		{ method: 'GET', path: streamPaths.call(callType, callId), rateLimitKey: 'getCall', context: { callId, callType } },
		itemIndex,
	);
	const call = (response.body.call ?? {}) as IDataObject;
	if (this.getNodeParameter('simplify', itemIndex, true) === true) {
		return { ...minimalCall(call, response.body.members), requestId: response.requestId };
	}
	return { ...call, members: response.body.members, requestId: response.requestId };
}
