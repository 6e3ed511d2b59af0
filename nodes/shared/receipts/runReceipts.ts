import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RECEIPT_KEY_CREDENTIAL } from './credentialTest';
import { loadSigningKey, ReceiptKeyProblem, type ReceiptSigningKey } from './signingKey';
import { signRun } from './statement';

/** What signs one node run: the key and the issuer named in its credential. */
export interface RunSigner {
	key: ReceiptSigningKey;
	iss?: string;
}

/**
 * The signer of a run, when the operation offers Sign Receipts and it is on. Read before any item runs: a key
 * that cannot sign stops the node before it deletes anything, so no erasure goes unsigned.
 */
export async function runSignerFor(ctx: IExecuteFunctions, properties: INodeProperties[]): Promise<RunSigner | undefined> {
	if (!properties.some((property) => property.name === 'signReceipts')) return undefined;
	return await signerIfOn(
		ctx.getNode(),
		ctx.getNodeParameter('signReceipts', 0, false),
		async () => await ctx.getCredentials(RECEIPT_KEY_CREDENTIAL),
	);
}

/** The same for a node that reads Sign Receipts itself (the trigger, once per poll). */
export async function signerIfOn(
	node: INode,
	signReceipts: unknown,
	credential: () => Promise<ICredentialDataDecryptedObject>,
): Promise<RunSigner | undefined> {
	if (typeof signReceipts !== 'boolean') {
		throw new NodeOperationError(node, 'Sign Receipts must be true or false', {
			description: 'Set it in the editor; one value holds for the whole run, which is signed as a whole.',
		});
	}
	if (!signReceipts) return undefined;
	const data = await credential();
	let key: ReceiptSigningKey;
	try {
		key = loadSigningKey(data.privateKey);
	} catch (error) {
		throw new NodeOperationError(node, 'The Erasure Receipt Signing Key cannot sign', {
			description: `${error instanceof ReceiptKeyProblem ? error.message : 'The private key could not be read.'} Nothing was sent.`,
		});
	}
	const iss = typeof data.issuer === 'string' && data.issuer.trim() !== '' ? data.issuer.trim() : undefined;
	return { key, iss };
}

/**
 * Adds `receipt: { jws, head }` to every output item of the run, in `seq` order, error items included. One
 * exception, forced by n8n: with On Error "Continue (using error output)", n8n moves an item to the error output only
 * when its JSON holds nothing but `error`, `message` and `details` (and an item marked with its own `error` is cut
 * down to the message, read in n8n-core 2.41.1), so there an error item carries its receipt as `details.receipt`.
 */
export function attachReceipts(node: INode, execution: string | null, signer: RunSigner, output: INodeExecutionData[]): void {
	const receipts = signRun(
		signer.key,
		{ iss: signer.iss, execution, node: node.name },
		output.map((item) => item.json),
	);
	const routesErrors = node.onError === 'continueErrorOutput';
	output.forEach((item, seq) => {
		const details = item.json.details;
		if (routesErrors && isErrorItem(item.json) && typeof details === 'object' && details !== null && !Array.isArray(details)) {
			(details as IDataObject).receipt = receipts[seq];
		} else {
			item.json.receipt = receipts[seq];
		}
	});
}

function isErrorItem(json: IDataObject): boolean {
	return json.error !== undefined && Object.keys(json).every((key) => key === 'error' || key === 'message' || key === 'details');
}
