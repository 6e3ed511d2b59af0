import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, simplifyField, transportOptions } from '../../../shared/descriptions';
import { idParameter } from '../../../shared/parameters';
import { apiVersionOption, callIdField, graphApiVersion, graphCallIdRule } from '../../descriptions';
import { minimalCall } from '../../minimal';
import type { GraphSession } from '../../session';
import { graphPaths } from '../../transport';

const properties: INodeProperties[] = [
	callIdField,
	simplifyField(
		'the call resource, whose source and targets name the people in the call (display names, phone numbers), with its subject and callback URL',
	),
	optionsCollection([apiVersionOption, ...transportOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: GraphSession): Promise<IDataObject> {
	const callId = idParameter(this, graphCallIdRule, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const response = await session.client.request(
		{ method: 'GET', path: graphPaths.call(graphApiVersion(this, options.apiVersion, itemIndex, callId), callId), context: { callId } },
		itemIndex,
	);
	if (this.getNodeParameter('simplify', itemIndex, true) === true) return { ...minimalCall(response.body), requestId: response.requestId };
	return { ...response.body, requestId: response.requestId };
}
