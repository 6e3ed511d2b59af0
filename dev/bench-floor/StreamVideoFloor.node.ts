/**
 * The speed floor of scenario A in `npm run bench` (not shipped: it lives outside dist/ and the package's
 * n8n.nodes list; scripts/bench.js packs it as its own small package and installs it next to ours).
 *
 * It sends exactly the requests of the Stream Video node's "call delete" (soft): POST
 * <credential base URL>/api/v2/video/call/<type>/<id>/delete, body {"hard": false}, JSON, authenticated by the
 * streamVideoApi credential (api_key query parameter and server token), through n8n's
 * httpRequestWithAuthentication, with as many requests in flight as the node's concurrency. It emits one item
 * per input and does nothing else: no pacing, retries, validation, audit record or error items. To be a floor, it
 * takes the cheapest path wherever ours has a choice: the credential is read once and handed to the helper (as our
 * transport does), the call type is read once, and the call ID is read straight from a field of each item (no
 * expression evaluated per item; ours resolves its Call ID parameter, `={{ $json.callId }}`, for every item).
 *
 * Only type imports from n8n-workflow: the package needs nothing at run time but what n8n gives every node.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, NodeConnectionType } from 'n8n-workflow';

/** NodeConnectionTypes.Main, without importing n8n-workflow at run time. */
const MAIN = 'main' as NodeConnectionType;

export class StreamVideoFloor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stream Video Floor (bench)',
		name: 'streamVideoFloor',
		icon: 'fa:tachometer-alt',
		group: ['transform'],
		version: 1,
		description: 'Benchmark stand-in: Stream call soft deletes through n8n’s HTTP helper and nothing else',
		defaults: { name: 'Stream Video Floor' },
		inputs: [MAIN],
		outputs: [MAIN],
		credentials: [{ name: 'streamVideoApi', required: true }],
		properties: [
			{ displayName: 'Call Type', name: 'callType', type: 'string', default: 'default' },
			{
				displayName: 'Call ID Field',
				name: 'callIdField',
				type: 'string',
				default: 'callId',
				description: 'The field of each input item that holds the call ID',
			},
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 50 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const concurrency = Math.max(1, this.getNodeParameter('concurrency', 0, 50) as number);
		const callType = encodeURIComponent(String(this.getNodeParameter('callType', 0)));
		const field = String(this.getNodeParameter('callIdField', 0));
		const data = await this.getCredentials('streamVideoApi');
		const reference = this.getNode().credentials?.streamVideoApi;
		const credentialsDecrypted = { id: reference?.id ?? '', name: reference?.name ?? 'streamVideoApi', type: 'streamVideoApi', data };
		const baseUrl = String(data.baseUrl).replace(/\/+$/, '');
		const output: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const index = next++;
				const callId = encodeURIComponent(String(items[index].json[field]));
				await this.helpers.httpRequestWithAuthentication.call(
					this,
					'streamVideoApi',
					{
						method: 'POST',
						url: `${baseUrl}/api/v2/video/call/${callType}/${callId}/delete`,
						body: { hard: false } as IDataObject,
						headers: { Accept: 'application/json' },
						json: true,
					},
					{ credentialsDecrypted },
				);
				output[index] = { json: { deleted: true }, pairedItem: { item: index } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
		return [output];
	}
}
