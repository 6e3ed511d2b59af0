import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deletionAudit } from '../../../shared/audit';
import { dryRunOption, ignoreNotFoundOption, transportOptions } from '../../../shared/descriptions';
import { requireId } from '../../../shared/validation';
import { apiVersionOption, callIdField } from '../../descriptions';
import type { GraphSession } from '../../transport';
import { graphCallIdRule, graphPaths, isGraphCallNotFound } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName:
			'Microsoft Graph "delete call" HANGS UP an active call; for a group call only this app\'s leg leaves and the meeting goes on. It erases no data: call records, recordings and transcripts stay where they are.',
		name: 'hangUpNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [apiVersionOption, dryRunOption, ignoreNotFoundOption, ...transportOptions],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: GraphSession): Promise<IDataObject> {
	const callId = requireId(this.getNode(), this.getNodeParameter('callId', itemIndex), graphCallIdRule, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const apiVersion = String(options.apiVersion ?? 'v1.0');
	const path = graphPaths.call(apiVersion, callId);
	const context = { callId };
	const dryRun = options.dryRun === true;

	const response = await session.request({ method: dryRun ? 'GET' : 'DELETE', path, context }, itemIndex, [404]);
	if (response.status === 404) {
		const notFound = isGraphCallNotFound(response.status, response.body);
		if (notFound && (options.ignoreNotFound === true || response.retriedAfterLostResponse)) {
			return deletionAudit('microsoftGraph', callId, 'not_found', response, { apiVersion, hungUp: false });
		}
		throw session.client.toNodeError(
			session.client.failureFrom(response),
			itemIndex,
			{ context },
			notFound
				? 'The call is unknown or has already ended, so there is nothing to hang up. Turn on "Ignore Not Found" to count it as done.'
				: undefined,
		);
	}
	if (dryRun) {
		return deletionAudit('microsoftGraph', callId, 'dry_run', response, {
			apiVersion,
			wouldHangUp: true,
			state: response.body.state,
			direction: response.body.direction,
		});
	}
	return deletionAudit('microsoftGraph', callId, 'deleted', response, {
		apiVersion,
		hungUp: true,
		clientRequestId: response.headers['client-request-id'],
	});
}
