import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call';
import { router } from './actions/router';
import { credentialTests } from '../shared/credentialTests';

export class HuskyVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HuskyVoice',
		name: 'huskyVoice',
		icon: { light: 'file:../../icons/huskyVoice.svg', dark: 'file:../../icons/huskyVoice.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Erase the customer data of HuskyVoice calls, look calls up and cancel queued ones',
		defaults: { name: 'HuskyVoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'huskyVoiceApi', required: true, testedBy: 'huskyVoiceApiTest', displayOptions: { show: { authentication: ['apiKey'] } } },
			{
				name: 'huskyVoiceWebhookApi',
				required: true,
				testedBy: 'huskyVoiceWebhookApiTest',
				displayOptions: { show: { authentication: ['webhookToken'] } },
			},
			{
				name: 'erasureReceiptKeyApi',
				required: true,
				testedBy: 'erasureReceiptKeyTest',
				displayOptions: { show: { signReceipts: [true] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API Key', value: 'apiKey' },
					{ name: 'Inbound Webhook Token', value: 'webhookToken' },
				],
				default: 'apiKey',
				description: 'The inbound webhook can only delete; Get and Cancel need an API key',
			},
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
