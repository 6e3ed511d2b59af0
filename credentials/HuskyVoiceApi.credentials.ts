import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

export class HuskyVoiceApi implements ICredentialType {
	name = 'huskyVoiceApi';

	displayName = 'HuskyVoice API';

	icon: Icon = { light: 'file:../icons/huskyVoice.svg', dark: 'file:../icons/huskyVoice.dark.svg' };

	documentationUrl = 'https://docs.huskyvoice.ai/api/api-keys';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sk_live_…',
			description:
				'HuskyVoice dashboard → Settings → API Keys. Deleting needs the calls:delete scope, Get calls:read, Cancel calls:cancel.',
		},
		{
			displayName: 'Send Key As',
			name: 'authHeader',
			type: 'options',
			default: 'xApiKey',
			options: [
				{ name: 'X-API-Key Header', value: 'xApiKey', description: 'As the Deleting Calls page documents' },
				{
					name: 'Authorization: Bearer',
					value: 'bearer',
					description: 'As the other HuskyVoice API pages document',
				},
				{ name: 'Both Headers', value: 'both' },
			],
			description: "HuskyVoice's own pages disagree on the header; pick the one your account accepts",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.huskyvoice.ai/v1',
			description: 'Change only for a proxy or a test server. Must use https (http is accepted for loopback only).',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const key = String(credentials.apiKey ?? '');
		const mode = String(credentials.authHeader ?? 'xApiKey');
		const headers: Record<string, string> = {};
		if (mode === 'xApiKey' || mode === 'both') headers['x-api-key'] = key;
		if (mode === 'bearer' || mode === 'both') headers.Authorization = `Bearer ${key}`;
		return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
	}
}
