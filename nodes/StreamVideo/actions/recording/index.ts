import type { INodeProperties } from 'n8n-workflow';

import * as deleteRecording from './delete.operation';
import * as getManyRecordings from './getMany.operation';

export { deleteRecording as delete, getManyRecordings as getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recording'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Permanently delete one recording stored on Stream. Irreversible: run it with Dry Run first.',
				action: 'Delete a recording',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List a call's recordings",
				action: 'Get many recordings',
			},
		],
		default: 'getMany',
	},
	...deleteRecording.description,
	...getManyRecordings.description,
];
