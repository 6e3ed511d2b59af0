/**
 * End-to-end bench: a REAL n8n (2.41.1, or 1.123.81 with N8N_VERSION=1.x; Node 24) with this package installed
 * from its packed tarball as a community package, talking to the emulators over loopback. Workflows are created and activated through
 * n8n's public API and run by calling their production webhook, exactly as a user's would be.
 */
import { generateKeyPairSync } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { credentialData, startEmulator, type Emulator } from './emulators/client';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8n, packPackage } = require('./n8n-instance');

export interface N8nInstance {
	baseUrl: string;
	userFolder: string;
	bootMs: number;
	logs(): string;
	api(method: string, route: string, body?: unknown): Promise<IDataObject>;
	rest(method: string, route: string, body?: unknown): Promise<{ status: number; body: IDataObject }>;
	createCredential(name: string, type: string, data: IDataObject): Promise<string>;
	createWorkflow(workflow: IDataObject): Promise<string>;
	activate(id: string): Promise<IDataObject>;
	deactivate(id: string): Promise<IDataObject>;
	webhook(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
	executions(workflowId: string): Promise<IDataObject[]>;
	testCredential(credentials: IDataObject): Promise<{ data: { status: string; message: string } }>;
	stopExecution(id: string): Promise<unknown>;
	stop(): Promise<void>;
	restart(): Promise<void>;
}

export const PACKAGE = 'n8n-nodes-call-deletion';

export interface RealN8n {
	n8n: N8nInstance;
	emulator: Emulator;
	credentials: Record<
		'stream' | 'graph' | 'husky' | 'huskyWebhook' | 'receiptKey',
		{ id: string; name: string; type: string; data: IDataObject }
	>;
	/** The public key (SPKI PEM) of the receiptKey credential's signing key, as its owner would publish it. */
	receiptPublicKeyPem: string;
	close(): Promise<void>;
}

export async function bootRealN8n(env: Record<string, string> = {}): Promise<RealN8n> {
	const emulator = await startEmulator();
	let n8n: N8nInstance;
	try {
		n8n = (await startN8n({ tarball: packPackage(), env })) as N8nInstance;
	} catch (error) {
		await emulator.close();
		throw error;
	}
	const data = credentialData(emulator);
	const receiptKey = generateKeyPairSync('ed25519');
	const definitions = {
		stream: {
			name: 'Stream (emulator)',
			type: 'streamVideoApi',
			data: data.streamVideoApi,
		},
		graph: {
			name: 'Graph (emulator)',
			type: 'microsoftGraphCallsApi',
			data: data.microsoftGraphCallsApi,
		},
		husky: {
			name: 'HuskyVoice (emulator)',
			type: 'huskyVoiceApi',
			data: data.huskyVoiceApi,
		},
		huskyWebhook: {
			name: 'HuskyVoice webhook (emulator)',
			type: 'huskyVoiceWebhookApi',
			data: data.huskyVoiceWebhookApi,
		},
		receiptKey: {
			name: 'Erasure receipt key',
			type: 'erasureReceiptKeyApi',
			data: { privateKey: receiptKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), issuer: 'Example Controller Ltd' },
		},
	};
	const credentials = {} as RealN8n['credentials'];
	try {
		for (const [key, definition] of Object.entries(definitions)) {
			const id = await n8n.createCredential(definition.name, definition.type, definition.data);
			credentials[key as keyof typeof definitions] = { id, ...definition };
		}
	} catch (error) {
		// A bench that fails to start leaves no n8n behind (a running n8n would keep jest from exiting).
		await n8n.stop();
		await emulator.close();
		throw error;
	}
	return {
		n8n,
		emulator,
		credentials,
		receiptPublicKeyPem: receiptKey.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
		async close() {
			await n8n.stop();
			await emulator.close();
		},
	};
}

let counter = 0;

export interface WebhookRun {
	workflowId: string;
	status: number;
	items: IDataObject[];
}

/**
 * Webhook → Code (one item per entry of `body.items`) → the given node, activated, then called once.
 * `responseMode: lastNode` returns the last node's items, so the answer is our node's output.
 */
export async function runThroughWebhook(
	bench: RealN8n,
	node: {
		type: string;
		parameters: IDataObject;
		credential?: keyof RealN8n['credentials'];
		/** More credentials of the node, such as the receipt signing key. */
		alsoCredentials?: Array<keyof RealN8n['credentials']>;
		onError?: string;
	},
	items: IDataObject[],
	{ whileRunning }: { whileRunning?: (workflowId: string) => Promise<void> } = {},
): Promise<WebhookRun> {
	const path = `e2e-${Date.now()}-${++counter}`;
	const nodeCredentials = Object.fromEntries(
		[node.credential, ...(node.alsoCredentials ?? [])]
			.filter((key): key is keyof RealN8n['credentials'] => key !== undefined)
			.map((key) => bench.credentials[key])
			.map((credential) => [credential.type, { id: credential.id, name: credential.name }]),
	);
	const workflowId = await bench.n8n.createWorkflow({
		name: path,
		nodes: [
			{
				id: 'webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: path,
				parameters: {
					httpMethod: 'POST',
					path,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: 'code',
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: 'return $json.body.items.map((json) => ({ json }));',
				},
			},
			{
				id: 'subject',
				name: 'Subject',
				type: `${PACKAGE}.${node.type}`,
				typeVersion: 1,
				position: [440, 0],
				parameters: node.parameters,
				...(Object.keys(nodeCredentials).length > 0 ? { credentials: nodeCredentials } : {}),
				...(node.onError ? { onError: node.onError } : {}),
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
			Code: { main: [[{ node: 'Subject', type: 'main', index: 0 }]] },
		},
	});
	await bench.n8n.activate(workflowId);
	try {
		const call = callWebhook(bench, path, { items });
		// Something to do while the execution runs (stop it, for example); the webhook answers when it ends.
		await whileRunning?.(workflowId);
		const response = await call;
		const body = response.body;
		const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
		return { workflowId, status: response.status, items: list as IDataObject[] };
	} finally {
		await bench.n8n.deactivate(workflowId);
	}
}

/** Calls a production webhook, waiting for n8n to register it: that happens a moment after activation reports success. */
export async function callWebhook(bench: RealN8n, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const response = await bench.n8n.webhook(path, body);
		const notRegistered = response.status === 404 && JSON.stringify(response.body).includes('not registered');
		if (!notRegistered || Date.now() > deadline) return response;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
