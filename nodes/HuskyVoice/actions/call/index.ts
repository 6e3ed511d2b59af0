import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/descriptions';
import * as cancelCall from './cancel.operation';
import * as deleteCall from './delete.operation';
import * as getCall from './get.operation';

export { cancelCall as cancel, deleteCall as delete, getCall as get };

export const description: INodeProperties[] = [
	operationField({ resource: ['call'], authentication: ['apiKey'] }, 'delete', [
		{ name: 'Cancel', value: 'cancel', description: 'Stop a queued call from being dialled (keeps its record)', action: 'Cancel a call' },
		{
			name: 'Delete',
			value: 'delete',
			description:
				"Permanently erase a completed call's customer data. Irreversible: run it with Dry Run first to confirm the call is deletable.",
			action: 'Delete a call (irreversible)',
		},
		{ name: 'Get', value: 'get', description: 'Get a call and its status', action: 'Get a call' },
	]),
	operationField({ resource: ['call'], authentication: ['webhookToken'] }, 'delete', [
		{
			name: 'Delete',
			value: 'delete',
			description: "Permanently erase a completed call's customer data (the webhook can only delete)",
			action: 'Delete a call (irreversible)',
		},
	]),
	...deleteCall.description,
	...getCall.description,
	...cancelCall.description,
];
