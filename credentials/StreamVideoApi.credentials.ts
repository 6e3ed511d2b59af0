import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

import { streamServerToken } from './jwt';

export class StreamVideoApi implements ICredentialType {
	name = 'streamVideoApi';

	displayName = 'Stream Video API';

	icon: Icon = { light: 'file:../icons/streamVideo.svg', dark: 'file:../icons/streamVideo.dark.svg' };

	documentationUrl = 'https://getstream.io/video/docs/api/authentication/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Stream dashboard → your app → Overview → API Key',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Stream dashboard → your app → Overview → Secret. Used to sign a server-side token; it is never sent.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://video.stream-io-api.com',
			description: 'Change only for a proxy or a test server. Must use https (http is accepted for loopback only).',
		},
	];

	/** Stream's server-side auth: the API key as a query parameter and an HS256 server token, no "Bearer". */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			qs: { ...requestOptions.qs, api_key: credentials.apiKey },
			headers: {
				...requestOptions.headers,
				Authorization: streamServerToken(String(credentials.apiSecret)),
				'stream-auth-type': 'jwt',
			},
		};
	}
}
