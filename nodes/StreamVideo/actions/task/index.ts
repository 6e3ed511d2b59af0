import type { INodeProperties } from 'n8n-workflow';

import * as getTask from './get.operation';

export { getTask as get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status of an asynchronous task, such as a hard delete',
				action: 'Get a task',
			},
		],
		default: 'get',
	},
	...getTask.description,
];
