/** Shared set-up for in-process tests: the emulators on a free loopback port and credentials pointing at them. */
import { generateKeyPairSync } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, runWorkflow, type RunResult, type WorkflowNode } from '../../dev/harness/n8n-inprocess';
import { credentialData, startEmulator, type Emulator } from '../../dev/emulators/client';

export { daysAgo, sandbox, type Emulator } from '../../dev/emulators/client';

export const CREDENTIAL_IDS = {
	stream: 'stream',
	graph: 'graph',
	husky: 'husky',
	huskyWebhook: 'husky-webhook',
	receiptKey: 'receipt-key',
};

/** The key the in-process runs sign receipts with (when Sign Receipts is on), made fresh for each test process. */
export const RECEIPT_KEY = (() => {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	return {
		privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
		publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
		publicKey,
		issuer: 'https://controller.example',
	};
})();

/**
 * The emulators for one test file: started once, reset before each test with a fresh credential store
 * pointing at them, and closed at the end.
 */
export function useEmulators(): { readonly emulator: Emulator; readonly store: CredentialStore } {
	const bench = {} as { emulator: Emulator; store: CredentialStore };
	beforeAll(async () => {
		bench.emulator = await startEmulator();
	});
	afterAll(async () => await bench.emulator.close());
	beforeEach(() => {
		bench.emulator.reset();
		bench.store = credentialsFor(bench.emulator);
	});
	return bench;
}

export function credentialsFor(emulator: Emulator): CredentialStore {
	const store = new CredentialStore();
	const data = credentialData(emulator);
	store.set(CREDENTIAL_IDS.stream, data.streamVideoApi);
	store.set(CREDENTIAL_IDS.graph, { ...data.microsoftGraphCallsApi, accessToken: '' });
	store.set(CREDENTIAL_IDS.husky, data.huskyVoiceApi);
	store.set(CREDENTIAL_IDS.huskyWebhook, data.huskyVoiceWebhookApi);
	store.set(CREDENTIAL_IDS.receiptKey, { privateKey: RECEIPT_KEY.privateKeyPem, issuer: RECEIPT_KEY.issuer });
	return store;
}

const receiptKey = { erasureReceiptKeyApi: { id: CREDENTIAL_IDS.receiptKey, name: 'Receipt key' } };
const CREDENTIAL_BY_NODE: Record<string, Record<string, { id: string; name: string }>> = {
	streamVideo: { streamVideoApi: { id: CREDENTIAL_IDS.stream, name: 'Stream' }, ...receiptKey },
	microsoftGraphCalls: { microsoftGraphCallsApi: { id: CREDENTIAL_IDS.graph, name: 'Graph' }, ...receiptKey },
	huskyVoice: {
		huskyVoiceApi: { id: CREDENTIAL_IDS.husky, name: 'Husky' },
		huskyVoiceWebhookApi: { id: CREDENTIAL_IDS.huskyWebhook, name: 'Husky webhook' },
		...receiptKey,
	},
};

export interface NodeRun extends RunResult {
	/** The node's main output (or error output when `onError` routes there). */
	out: IDataObject[];
	errorsOut: IDataObject[];
}

/** Manual Trigger → Items (like a Code node) → the node under test. */
export async function runNode(
	store: CredentialStore,
	type: 'streamVideo' | 'microsoftGraphCalls' | 'huskyVoice',
	parameters: IDataObject,
	items: IDataObject[],
	{ onError, stopAfterMs, stop }: Pick<WorkflowNode, 'onError'> & { stopAfterMs?: number; stop?: Promise<unknown> } = {},
): Promise<NodeRun> {
	const result = await runWorkflow(
		[
			{ name: 'Items', type: 'test.items', parameters: { items: JSON.stringify(items) } },
			{ name: 'Node', type, parameters, credentials: CREDENTIAL_BY_NODE[type], onError },
		],
		store,
		'manual',
		{ stopAfterMs, stop },
	);
	return { ...result, out: result.output('Node', 0), errorsOut: result.output('Node', 1) };
}
