import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call';
import * as recording from './actions/recording';
import { router } from './actions/router';
import * as task from './actions/task';
import * as transcription from './actions/transcription';
import { credentialTests } from '../shared/credentialTests';

export class StreamVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stream Video',
		name: 'streamVideo',
		icon: { light: 'file:../../icons/streamVideo.svg', dark: 'file:../../icons/streamVideo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Delete Stream Video calls (soft or hard), their recordings and transcriptions, and follow hard-delete tasks',
		defaults: { name: 'Stream Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'streamVideoApi', required: true, testedBy: 'streamVideoApiTest' },
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
				options: [
					{ name: 'Call', value: 'call' },
					{ name: 'Recording', value: 'recording' },
					{ name: 'Task', value: 'task' },
					{ name: 'Transcription', value: 'transcription' },
				],
				default: 'call',
			},
			...call.description,
			...task.description,
			...recording.description,
			...transcription.description,
		],
	};

	/** The credentials' Test buttons (see nodes/shared/credentialTests.ts). */
	methods = { credentialTest: credentialTests };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
