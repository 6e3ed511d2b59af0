import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseErrorEnvelope } from '../shared/errors';
import { ProviderClient } from '../shared/transport';
import type { ProviderProfile, TransportOptions } from '../shared/types';
import { pathSegment } from '../shared/validation';
import { secureUrlProblem, trimmedUrl } from '../../credentials/secureUrl';
import { minimalGraphAnswer } from './minimal';
import { graphEndpoints, tenantIdProblem } from '../../credentials/microsoftCloud';

export const GRAPH_CREDENTIAL = 'microsoftGraphCallsApi';

/** Graph errors: `{"error": {"code", "message", "innerError": {"request-id", ...}}}`. */
export const graphProfile: ProviderProfile = {
	provider: 'microsoftGraph',
	displayName: 'Microsoft Graph',
	credentialType: GRAPH_CREDENTIAL,
	parseError: parseErrorEnvelope,
	requestIdFrom(headers, body) {
		const inner = (((body ?? {}) as IDataObject).error as IDataObject | undefined)?.innerError as IDataObject | undefined;
		return headers['request-id'] ?? (inner?.['request-id'] as string | undefined);
	},
	clientRequestIdHeader: 'client-request-id',
	quotableAnswer: minimalGraphAnswer,
	refreshesTokenOn401: true,
	hints: {
		401: 'The app-only token was refused. Check the credential (tenant, client ID, secret, cloud).',
		403: 'The app needs the application permission Calls.Initiate.All with admin consent.',
		429: 'Microsoft Graph is throttling this app; the run waited as asked and then gave up.',
	},
};

/** Graph answers 404 with code "8522" (sometimes "9997") for a call that is unknown or already ended. */
export function isGraphCallNotFound(status: number, body: unknown): boolean {
	const { code } = graphProfile.parseError(status, body);
	return status === 404 && (code === '8522' || code === '9997');
}

export const graphPaths = {
	call: (apiVersion: string, callId: string) => `/${pathSegment(apiVersion)}/communications/calls/${pathSegment(callId)}`,
};

/** Microsoft Graph's API for one execution. The token lives in the credential, fetched once and shared. */
export async function openGraphApi(ctx: IExecuteFunctions, options: TransportOptions): Promise<ProviderClient> {
	const credentials = await ctx.getCredentials(GRAPH_CREDENTIAL);
	const refuse = (problem: { message: string; description?: string }) =>
		new ProviderClient(ctx, graphProfile, { kind: 'none' }, '', options).refuseEveryRequest(problem);
	const tenantProblem = tenantIdProblem(String(credentials.tenantId ?? '').trim());
	if (tenantProblem) {
		return refuse({ message: tenantProblem, description: 'The Directory (tenant) ID is on Azure portal → Microsoft Entra ID → Overview.' });
	}
	const endpoints = graphEndpoints(credentials);
	// The client secret goes to the authority, the token to Graph: both under the same rule.
	const problem =
		secureUrlProblem(endpoints.authorityUrl, 'Microsoft authority URL') ?? secureUrlProblem(endpoints.graphUrl, 'Microsoft Graph URL');
	if (problem) return refuse(problem);
	return new ProviderClient(ctx, graphProfile, { kind: 'none' }, trimmedUrl(endpoints.graphUrl), options);
}
