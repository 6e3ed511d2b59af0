import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/descriptions';
import * as deleteCall from './delete.operation';
import * as getCall from './get.operation';

export { deleteCall as delete, getCall as get };

export const description: INodeProperties[] = [
	operationField({ resource: ['call'] }, 'delete', [
		{
			name: 'Delete',
			value: 'delete',
			description: 'Hang up an active call (Graph deletes the call leg; no data is erased). Run it with Dry Run first to confirm the call.',
			action: 'Delete a call',
		},
		{ name: 'Get', value: 'get', description: 'Get the state of an active call', action: 'Get a call' },
	]),
	...deleteCall.description,
	...getCall.description,
];
