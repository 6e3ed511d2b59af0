import type { INodeProperties } from 'n8n-workflow';

import * as deleteTranscription from './delete.operation';
import * as getManyTranscriptions from './getMany.operation';

export { deleteTranscription as delete, getManyTranscriptions as getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transcription'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Permanently delete one transcription stored on Stream. Irreversible: run it with Dry Run first.',
				action: 'Delete a transcription',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List a call's transcriptions",
				action: 'Get many transcriptions',
			},
		],
		default: 'getMany',
	},
	...deleteTranscription.description,
	...getManyTranscriptions.description,
];
