import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { networkCodeOf, requestGraphToken, type TokenAnswer } from './microsoftCloud';

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
	 * Fetches an app-only token (client credentials). n8n stores it and calls this again after a 401. The secret
	 * goes only to an https (or loopback) authority, never through a redirect; the request has its own timeout,
	 * as n8n's Stop does not reach it.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const accessToken = await requestGraphToken(credentials, async (request) => {
			try {
				return (await this.helpers.httpRequest({
					method: 'POST',
					url: request.url,
					headers: request.headers,
					body: request.body,
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					maxRedirects: 0,
					timeout: request.timeout,
				})) as TokenAnswer;
			} catch (error) {
				// The helper's error holds the request, client secret included: only its code goes on.
				throw Object.assign(new Error('no answer'), { code: networkCodeOf(error) });
			}
		});
		return { accessToken };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};
}
