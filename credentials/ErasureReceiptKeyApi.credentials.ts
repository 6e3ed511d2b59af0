import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The Ed25519 key that signs erasure receipts. Nothing is sent anywhere: its test reads the key locally (the
 * nodes' `erasureReceiptKeyTest`) and shows the key ID to publish with the public key.
 */
export class ErasureReceiptKeyApi implements ICredentialType {
	name = 'erasureReceiptKeyApi';

	// n8n's scanner requires a credential's display name to end in " API" (cred-class-field-display-name-missing-api).
	displayName = 'Erasure Receipt Signing Key API';

	icon: Icon = { light: 'file:../icons/erasureReceipt.svg', dark: 'file:../icons/erasureReceipt.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-call-deletion/n8n-nodes-call-deletion/blob/main/docs/receipts.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----…',
			description:
				'An unencrypted Ed25519 private key, PKCS#8 PEM: the whole file that "openssl genpkey -algorithm ed25519 -out receipt-key.pem" writes. Publish its public key ("openssl pkey -in receipt-key.pem -pubout") with the key ID the test shows.',
		},
		{
			displayName: 'Issuer',
			name: 'issuer',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com or Example Ltd',
			description: 'The controller that signs, by name or URL. Signed into every receipt as "iss"; left out when empty.',
		},
	];
}
