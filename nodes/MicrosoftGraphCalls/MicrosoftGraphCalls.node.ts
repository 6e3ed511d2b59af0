import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call';
import { router } from './actions/router';
import { credentialTests } from '../shared/credentialTests';

export class MicrosoftGraphCalls implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Calls',
		name: 'microsoftGraphCalls',
		icon: { light: 'file:../../icons/microsoftGraphCalls.svg', dark: 'file:../../icons/microsoftGraphCalls.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Hang up active Microsoft Teams / Graph calls of your app',
		defaults: { name: 'Microsoft Graph Calls' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'microsoftGraphCallsApi', required: true, testedBy: 'microsoftGraphCallsApiTest' },
			{
				name: 'erasureReceiptKeyApi',
				required: true,
				testedBy: 'erasureReceiptKeyTest',
				displayOptions: { show: { signReceipts: [true] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Call', value: 'call' }],
				default: 'call',
			},
			...call.description,
		],
	};

	/** The credentials' Test buttons (see nodes/shared/credentialTests.ts). */
	methods = { credentialTest: credentialTests };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
