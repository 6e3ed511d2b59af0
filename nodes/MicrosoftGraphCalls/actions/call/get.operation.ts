import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, transportOptions } from '../../../shared/descriptions';
import { requireId } from '../../../shared/validation';
import { apiVersionOption, callIdField, graphCallIdRule } from '../../descriptions';
import type { GraphSession } from '../../session';
import { graphPaths } from '../../transport';

const properties: INodeProperties[] = [callIdField, optionsCollection([apiVersionOption, ...transportOptions])];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: GraphSession): Promise<IDataObject> {
	const callId = requireId(this.getNode(), this.getNodeParameter('callId', itemIndex), graphCallIdRule, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const response = await session.api.request(
		{ method: 'GET', path: graphPaths.call(String(options.apiVersion ?? 'v1.0'), callId), context: { callId } },
		itemIndex,
	);
	return { ...response.body, requestId: response.requestId };
}
