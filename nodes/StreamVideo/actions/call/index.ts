import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/descriptions';
import * as deleteCall from './delete.operation';
import * as getCall from './get.operation';
import * as getManyCalls from './getMany.operation';

export { deleteCall as delete, getCall as get, getManyCalls as getMany };

export const description: INodeProperties[] = [
	operationField({ resource: ['call'] }, 'delete', [
		{
			name: 'Delete',
			value: 'delete',
			description: 'Soft or hard delete a call and its data. Irreversible: run it with Dry Run first to confirm the call.',
			// Also what an AI agent reads: n8n describes a tool as "<action> in Stream Video" and never shows it the description.
			action: 'Delete a call (irreversible)',
		},
		{ name: 'Get', value: 'get', description: 'Look up a call', action: 'Get a call' },
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'Find calls by end or creation time, type or any Stream filter',
			action: 'Get many calls',
		},
	]),
	...deleteCall.description,
	...getCall.description,
	...getManyCalls.description,
];
