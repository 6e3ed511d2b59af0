/** Shared set-up for in-process tests: the emulators on a free loopback port and credentials pointing at them. */
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, runWorkflow, type RunResult, type WorkflowNode } from '../harness/n8n-inprocess';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createEmulatorServer, SANDBOX } = require('../emulators/server');

export interface Emulator {
	url: string;
	streamBaseUrl: string;
	graphUrl: string;
	authorityUrl: string;
	huskyBaseUrl: string;
	close(): Promise<void>;
	reset(): void;
	/** Settings for all providers, such as `latencyMs: { stream: 100 }` added to every answer. */
	configure(config: IDataObject): void;
	stream: IDataObject & Record<string, (...args: never[]) => unknown>;
	graph: IDataObject & Record<string, (...args: never[]) => unknown>;
	husky: IDataObject & Record<string, (...args: never[]) => unknown>;
	faults: { add(rule: IDataObject | IDataObject[]): void; clear(): void };
	log: { entries(filter?: IDataObject): LogEntry[]; clear(): void };
	stats(): IDataObject;
}

export interface LogEntry {
	provider: string;
	method: string;
	path: string;
	query: IDataObject;
	headers: Record<string, string>;
	body: unknown;
	status: number | string;
	fault?: string;
}

export const sandbox = SANDBOX as {
	stream: { apiKey: string; apiSecret: string };
	graph: { tenantId: string; clientId: string; clientSecret: string };
	husky: { apiKey: string; webhookToken: string };
};

export const CREDENTIAL_IDS = { stream: 'stream', graph: 'graph', husky: 'husky', huskyWebhook: 'husky-webhook' };

export async function startEmulator(): Promise<Emulator> {
	return (await createEmulatorServer({ port: 0, seedSandbox: false })) as Emulator;
}

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
	store.set(CREDENTIAL_IDS.stream, {
		apiKey: sandbox.stream.apiKey,
		apiSecret: sandbox.stream.apiSecret,
		baseUrl: emulator.streamBaseUrl,
	});
	store.set(CREDENTIAL_IDS.graph, {
		tenantId: sandbox.graph.tenantId,
		clientId: sandbox.graph.clientId,
		clientSecret: sandbox.graph.clientSecret,
		cloud: 'custom',
		authorityUrl: emulator.authorityUrl,
		graphUrl: emulator.graphUrl,
		accessToken: '',
	});
	store.set(CREDENTIAL_IDS.husky, { apiKey: sandbox.husky.apiKey, authHeader: 'xApiKey', baseUrl: emulator.huskyBaseUrl });
	store.set(CREDENTIAL_IDS.huskyWebhook, { webhookToken: sandbox.husky.webhookToken, baseUrl: emulator.huskyBaseUrl });
	return store;
}

const CREDENTIAL_BY_NODE: Record<string, Record<string, { id: string; name: string }>> = {
	streamVideo: { streamVideoApi: { id: CREDENTIAL_IDS.stream, name: 'Stream' } },
	microsoftGraphCalls: { microsoftGraphCallsApi: { id: CREDENTIAL_IDS.graph, name: 'Graph' } },
	huskyVoice: {
		huskyVoiceApi: { id: CREDENTIAL_IDS.husky, name: 'Husky' },
		huskyVoiceWebhookApi: { id: CREDENTIAL_IDS.huskyWebhook, name: 'Husky webhook' },
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
	{ onError, stopAfterMs }: Pick<WorkflowNode, 'onError'> & { stopAfterMs?: number } = {},
): Promise<NodeRun> {
	const result = await runWorkflow(
		[
			{ name: 'Items', type: 'test.items', parameters: { items: JSON.stringify(items) } },
			{ name: 'Node', type, parameters, credentials: CREDENTIAL_BY_NODE[type], onError },
		],
		store,
		'manual',
		{ stopAfterMs },
	);
	return { ...result, out: result.output('Node', 0), errorsOut: result.output('Node', 1) };
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
