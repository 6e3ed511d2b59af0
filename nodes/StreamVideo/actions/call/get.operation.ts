import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, transportOptions } from '../../../shared/descriptions';
import { requireId } from '../../../shared/validation';
import { callIdField, callIdRule, callTypeField, callTypeRule } from '../../descriptions';
import type { StreamSession } from '../../session';
import { streamPaths } from '../../transport';

const properties: INodeProperties[] = [callTypeField, callIdField, optionsCollection([...transportOptions])];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
	const node = this.getNode();
	const callType = requireId(node, this.getNodeParameter('callType', itemIndex), callTypeRule, itemIndex);
	const callId = requireId(node, this.getNodeParameter('callId', itemIndex), callIdRule, itemIndex);
	const response = await session.api.request(
		{ method: 'GET', path: streamPaths.call(callType, callId), rateLimitKey: 'getCall', context: { callId, callType } },
		itemIndex,
	);
	return { ...(response.body.call as IDataObject), members: response.body.members, requestId: response.requestId };
}
