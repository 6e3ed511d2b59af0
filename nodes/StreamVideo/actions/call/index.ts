import type { INodeProperties } from 'n8n-workflow';

import * as deleteCall from './delete.operation';
import * as getCall from './get.operation';

export { deleteCall as delete, getCall as get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Soft or hard delete a call and its data',
				action: 'Delete a call',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Look up a call',
				action: 'Get a call',
			},
		],
		default: 'delete',
	},
	...deleteCall.description,
	...getCall.description,
];
