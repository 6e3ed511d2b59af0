import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { loadSigningKey, ReceiptKeyProblem } from './signingKey';

export const RECEIPT_KEY_CREDENTIAL = 'erasureReceiptKeyApi';

/** The signing key's test: read locally, never sent. On success it shows the key ID to publish. */
export async function erasureReceiptKeyTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const { kid } = loadSigningKey(credential.data?.privateKey);
		return {
			status: 'OK',
			message: `Ed25519 key ready. Key ID (kid): ${kid}. Publish the public key (openssl pkey -in receipt-key.pem -pubout) with this key ID.`,
		};
	} catch (error) {
		const message = error instanceof ReceiptKeyProblem ? error.message : 'The private key could not be read.';
		return { status: 'Error', message };
	}
}
