import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

export class HuskyVoiceWebhookApi implements ICredentialType {
	name = 'huskyVoiceWebhookApi';

	displayName = 'HuskyVoice Webhook API';

	icon: Icon = { light: 'file:../icons/huskyVoice.svg', dark: 'file:../icons/huskyVoice.dark.svg' };

	documentationUrl = 'https://docs.huskyvoice.ai/api/inbound-webhooks';

	properties: INodeProperties[] = [
		{
			displayName:
				"HuskyVoice's inbound webhook can only delete, so the Test button checks the token's shape and the base URL and sends nothing. The first delete confirms the token.",
			name: 'testNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Webhook Token',
			name: 'webhookToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'HuskyVoice dashboard → Settings → Inbound Webhooks: the token at the end of your webhook URL (…/v1/hooks/<token>)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.huskyvoice.ai/v1',
			description: 'Change only for a proxy or a test server. Must use https (http is accepted for loopback only).',
		},
	];

	/**
	 * The token is part of the URL path. Only this function adds it, so the node never holds it and no
	 * URL the node knows (and could echo in an error) contains it.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const token = encodeURIComponent(String(credentials.webhookToken ?? '').trim());
		const url = requestOptions.url.replace(/\/hooks\/?$/, `/hooks/${token}`);
		return { ...requestOptions, url };
	}
}
