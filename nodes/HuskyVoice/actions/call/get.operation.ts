import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { requireId } from '../../../shared/validation';
import { callIdField, huskyCallIdRule, huskyTransportOptions } from '../../descriptions';
import type { HuskySession } from '../../session';
import { huskyPaths } from '../../transport';
import { optionsCollection } from '../../../shared/descriptions';

const properties: INodeProperties[] = [callIdField, optionsCollection(huskyTransportOptions)];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['get'], authentication: ['apiKey'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: HuskySession): Promise<IDataObject> {
	const callId = requireId(this.getNode(), this.getNodeParameter('callId', itemIndex), huskyCallIdRule, itemIndex);
	const response = await session.api.request({ method: 'GET', path: huskyPaths.call(callId), context: { callId } }, itemIndex);
	return {
		...((response.body.data ?? response.body) as IDataObject),
		deletable: (response.body.data as IDataObject)?.status === 'completed',
	};
}
