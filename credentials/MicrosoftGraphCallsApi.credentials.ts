import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	explainTokenError,
	GRAPH_CLOUDS,
	graphEndpoints,
	networkCodeOf,
	tenantIdProblem,
	tokenServiceRedirected,
	tokenServiceUnavailable,
	tokenServiceUnreachable,
} from './microsoftCloud';
import { secureUrlProblem, trimmedUrl } from './secureUrl';

/** The token request's own timeout (n8n's Stop does not reach a credential's request). */
const TOKEN_TIMEOUT_MS = 15_000;

export class MicrosoftGraphCallsApi implements ICredentialType {
	name = 'microsoftGraphCallsApi';

	displayName = 'Microsoft Graph Calls API';

	icon: Icon = { light: 'file:../icons/microsoftGraphCalls.svg', dark: 'file:../icons/microsoftGraphCalls.dark.svg' };

	documentationUrl = 'https://learn.microsoft.com/en-us/graph/auth-v2-service';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 0d2d5c4e-1234-4cde-9abc-1234567890ab',
			description: 'Azure portal → Microsoft Entra ID → Overview → Tenant ID (or a verified domain)',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'App registrations → your app → Overview → Application (client) ID',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'App registrations → your app → Certificates & secrets → the secret VALUE',
		},
		{
			displayName: 'Cloud',
			name: 'cloud',
			type: 'options',
			default: 'global',
			options: [
				{ name: 'Global', value: 'global' },
				{ name: 'US Government L4 (GCC High)', value: 'usGovL4' },
				{ name: 'US Government L5 (DoD)', value: 'usGovL5Dod' },
				{ name: 'Custom', value: 'custom' },
			],
		},
		{
			displayName: 'Authority URL',
			name: 'authorityUrl',
			type: 'string',
			default: 'https://login.microsoftonline.com',
			displayOptions: { show: { cloud: ['custom'] } },
			description: 'Token host. Must use https (http is accepted for loopback only).',
		},
		{
			displayName: 'Graph URL',
			name: 'graphUrl',
			type: 'string',
			default: 'https://graph.microsoft.com',
			displayOptions: { show: { cloud: ['custom'] } },
			description: 'Microsoft Graph host, or a proxy in front of it',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://graph.microsoft.com/.default',
			displayOptions: { show: { cloud: ['custom'] } },
			description:
				'The token scope Entra expects. Leave empty for <Graph URL>/.default. Set it when the Graph URL is a proxy: Entra accepts only the real Graph resource, e.g. https://graph.microsoft.com/.default.',
		},
	];

	/**
	 * Fetches an app-only token (client credentials). n8n stores it and calls this again after a 401.
	 * The client secret goes only to an https (or loopback) authority, never on through a redirect, and the
	 * request has a timeout: Stop does not reach it, so the timeout bounds it.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const tenantId = String(credentials.tenantId ?? '').trim();
		const problem = tenantIdProblem(tenantId);
		if (problem) throw new Error(problem);
		const { authorityUrl, scope } = graphEndpoints(credentials);
		const insecure = secureUrlProblem(authorityUrl, 'Microsoft authority URL');
		if (insecure) throw new Error(`${insecure.message}. ${insecure.description ?? ''}`.trim());
		const url = `${trimmedUrl(authorityUrl)}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
		let response: { statusCode: number; headers?: Record<string, unknown>; body: unknown };
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					client_id: String(credentials.clientId ?? '').trim(),
					client_secret: String(credentials.clientSecret ?? ''),
					scope,
					grant_type: 'client_credentials',
				}).toString(),
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				maxRedirects: 0,
				timeout: TOKEN_TIMEOUT_MS,
			})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
		} catch (error) {
			// Never rethrow the helper's error: it holds the request, client_secret included.
			throw tokenServiceUnreachable(networkCodeOf(error) ?? 'NO_RESPONSE');
		}
		const status = response.statusCode;
		if (status >= 300 && status < 400) {
			throw tokenServiceRedirected(redirectOrigin(response.headers?.location ?? response.headers?.Location, url));
		}
		if (status === 429 || status >= 500) throw tokenServiceUnavailable(status);
		const body = parseBody(response.body);
		if (status !== 200 || typeof body.access_token !== 'string') {
			throw new Error(explainTokenError(body, status));
		}
		return { accessToken: body.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	/** The token fetch runs first; this GET then proves Graph accepts the token (an unknown call is a 404). */
	test: ICredentialTestRequest = {
		request: {
			// The Graph host of the credential's cloud, from the same table the node uses; "custom" uses its own.
			baseURL: `={{ (${JSON.stringify(graphHosts())})[$credentials.cloud ?? "global"] ?? $credentials.graphUrl.replace(/\\/+$/, "") }}`,
			url: '/v1.0/communications/calls/00000000-0000-0000-0000-000000000000',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'InvalidAuthenticationToken',
					message: 'Microsoft Graph rejected the token. Check the tenant, the app registration and the cloud.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'Forbidden',
					message: 'The app lacks permission. Grant Calls.Initiate.All (application) with admin consent.',
				},
			},
		],
	};
}

function graphHosts(): Record<string, string> {
	return Object.fromEntries(Object.entries(GRAPH_CLOUDS).map(([cloud, { graphUrl }]) => [cloud, graphUrl]));
}

/** Scheme, host and port of a redirect's target: the rest may carry tokens. */
function redirectOrigin(location: unknown, base: string): string {
	try {
		const url = new URL(String(location ?? ''), base);
		return location ? `${url.protocol}//${url.host}` : 'an unnamed address';
	} catch {
		return 'an unreadable address';
	}
}

function parseBody(body: unknown): Record<string, unknown> {
	if (body && typeof body === 'object') return body as Record<string, unknown>;
	try {
		return JSON.parse(String(body)) as Record<string, unknown>;
	} catch {
		return { error_description: String(body).slice(0, 200) };
	}
}
