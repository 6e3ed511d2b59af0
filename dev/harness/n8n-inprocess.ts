/**
 * Runs real workflows in-process with n8n-core's WorkflowExecute, loading the BUILT package from
 * dist/ the way n8n does. The credential's own authenticate/preAuthentication run, and requests go
 * through n8n's real HTTP helpers to the emulators on 127.0.0.1. Only the workflow's first nodes
 * (a manual trigger and an "items" node standing in for a Code node) are ours, so n8n-nodes-base
 * is not needed.
 */
import fs from 'node:fs';
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, PackageDirectoryLoader, PollContext, WorkflowExecute } from 'n8n-core';

export const PACKAGE_NAME = 'n8n-nodes-call-deletion';

/** The repository root: the nearest folder above this file whose package.json is this package (also from a compiled copy). */
function findPackageRoot(from: string): string {
	for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
	}
	throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
}
const PACKAGE_ROOT = findPackageRoot(__dirname);

class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Emits the items in its `items` parameter, like a Code node returning a fixed array. */
class Items implements INodeType {
	description = {
		displayName: 'Items',
		name: 'items',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json, index) => ({ json, pairedItem: { item: 0 }, index }))].map((list) =>
			list.map(({ json, pairedItem }) => ({ json, pairedItem })),
		);
	}
}

/**
 * The floor any node built on n8n's HTTP helper pays: one authenticated Stream soft delete per item through
 * httpRequestWithAuthentication, 50 at a time, and a one-field output item. No pacing, retries or audit.
 * The memory bench runs it beside the real node to tell n8n's per-request cost from the node's own.
 */
class HelperOnly implements INodeType {
	description = {
		displayName: 'Helper Only',
		name: 'helperOnly',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'Helper Only' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'streamVideoApi', required: true }],
		properties: [{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const baseUrl = this.getNodeParameter('baseUrl', 0) as string;
		const output: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const index = next++;
				await this.helpers.httpRequestWithAuthentication.call(this, 'streamVideoApi', {
					method: 'POST',
					url: `${baseUrl}/api/v2/video/call/default/${String(items[index].json.callId)}/delete`,
					body: { hard: false },
					json: true,
				});
				output[index] = { json: { deleted: true }, pairedItem: { item: index } };
			}
		};
		await Promise.all(Array.from({ length: 50 }, worker));
		return [output];
	}
}

interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialTypes: Map<string, ICredentialType>;
}

let loaded: Promise<LoadedPackage> | undefined;

/** Loads dist/ exactly as n8n loads a community package (package.json's n8n block). */
export function loadPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			'test.manualTrigger': new ManualTrigger(),
			'test.items': new Items(),
			'test.helperOnly': new HelperOnly(),
		};
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) types[`${PACKAGE_NAME}.${name}`] = type;
		const credentialTypes = new Map<string, ICredentialType>();
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes.set(name, type);
		const nodeTypes: INodeTypes = {
			getByName: (name) => types[name],
			getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types[name], version),
			getKnownTypes: () => ({}),
		};
		return { nodeTypes, credentialTypes };
	})();
	return loaded;
}

/** The data a credential holds, per credential id; preAuthentication writes tokens back here as n8n does. */
export class CredentialStore {
	readonly data = new Map<string, ICredentialDataDecryptedObject>();
	readonly updates: Array<{ id: string; type: string }> = [];
	set(id: string, values: ICredentialDataDecryptedObject): void {
		this.data.set(id, { ...values });
	}
}

/** Resolves `={{ $credentials.x }}` style templates used by generic authentication and credential tests. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const body = value.slice(1);
	return body.replace(/\{\{\s*([\s\S]+?)\s*\}\}/g, (_match, expression: string) =>
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		String(new Function('$credentials', `return (${expression});`)(credentials)),
	);
}

class InProcessCredentialsHelper implements ICredentialsHelper {
	constructor(
		private readonly store: CredentialStore,
		private readonly credentialTypes: Map<string, ICredentialType>,
	) {}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	private type(name: string): ICredentialType {
		const type = this.credentialTypes.get(name);
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate && authenticate.type === 'generic') {
			const options = { ...requestOptions } as IHttpRequestOptions & Record<string, IDataObject>;
			for (const [target, values] of Object.entries(authenticate.properties)) {
				const resolved: IDataObject = { ...(options[target] as IDataObject) };
				for (const [key, value] of Object.entries(values as IDataObject)) {
					resolved[key] = resolveTemplate(value, credentials) as string;
				}
				options[target] = resolved;
			}
			return options;
		}
		return requestOptions;
	}

	/** As n8n: run the type's preAuthentication when its expirable field is empty or a 401 says so. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !credentialsExpired) {
			return undefined;
		}
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (details?.id) {
			this.store.set(details.id, { ...credentials, ...output } as ICredentialDataDecryptedObject);
			this.store.updates.push({ id: details.id, type: typeName });
		}
		return { ...credentials, ...output } as ICredentialDataDecryptedObject;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		return typeof type.preAuthentication === 'function'
			? ((await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject)
			: undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
	): Promise<ICredentialDataDecryptedObject> {
		const data = nodeCredentials.id ? this.store.data.get(nodeCredentials.id) : undefined;
		if (!data) throw new Error(`No credential "${nodeCredentials.id}" in the test store`);
		return { ...data };
	}

	async updateCredentials(details: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject) {
		if (details.id) this.store.set(details.id, data);
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string) {
		return this.type(type).properties;
	}
}

/** What n8n's engine asks of its host, for runs on this machine: only credentials come from `store`. */
function createAdditionalData(
	store: CredentialStore,
	credentialTypes: Map<string, ICredentialType>,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new InProcessCredentialsHelper(store, credentialTypes),
		hooks,
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		restartExecutionId: undefined,
		parentExecution: undefined,
		encryptedRunnerIdentity: undefined,
		variables: {},
		userId: 'test-user',
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used by these nodes');
		},
		getRunExecutionData: async () => undefined,
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used by these nodes');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface PollOptions {
	parameters: IDataObject;
	credentialId: string;
	/** The node's static data; pass the same object to later polls, as n8n persists it between polls. */
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	pollBudgetMs?: number;
}

/**
 * Runs one poll of the Stream Video Trigger through n8n-core's real PollContext, as n8n's poller does:
 * static data is the node's, and (like n8n) only trigger-mode polls keep what they wrote.
 */
export async function pollTrigger(store: CredentialStore, options: PollOptions): Promise<IDataObject[] | null> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node: INode = {
		id: 'trigger',
		name: 'Stream Video Trigger',
		type: `${PACKAGE_NAME}.streamVideoTrigger`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		// The signing key is asked for only when Sign Receipts is on (test/integration/setup.ts stores it as receipt-key).
		credentials: {
			streamVideoApi: { id: options.credentialId, name: 'Stream' },
			erasureReceiptKeyApi: { id: 'receipt-key', name: 'Receipt key' },
		},
	};
	const mode = options.mode ?? 'trigger';
	const workflow = new Workflow({
		id: 'trigger-workflow',
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes,
		staticData: {},
		settings: {},
	});
	const working = mode === 'trigger' ? options.staticData : JSON.parse(JSON.stringify(options.staticData));
	const context = new PollContext(
		workflow,
		node,
		createAdditionalData(store, credentialTypes),
		mode,
		mode === 'trigger' ? 'activate' : 'manual',
		undefined,
		undefined,
		undefined,
		undefined,
		() => working,
		() => options.pollBudgetMs ?? 5 * 60_000,
	);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, 1);
	const result = await nodeType.poll!.call(context);
	return result ? result[0].map((item) => item.json) : null;
}

export interface WorkflowNode {
	name: string;
	type: string;
	parameters?: IDataObject;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: INode['onError'];
	continueOnFail?: boolean;
}

export interface RunResult {
	run: IRun;
	/** Output items of a node's main output 0 (json only). */
	output(nodeName: string, outputIndex?: number): IDataObject[];
	items(nodeName: string, outputIndex?: number): INodeExecutionData[];
	error?: Error & IDataObject;
}

/**
 * Runs `nodes` on n8n-core's engine, each connected to the next, starting from the first (a trigger), and
 * resolves with the finished run. `stopAfterMs`, or `stop` resolving, cancels the execution as the editor's Stop does.
 */
export async function executeChain(
	nodes: INode[],
	nodeTypes: INodeTypes,
	store: CredentialStore,
	credentialTypes: Map<string, ICredentialType>,
	mode: WorkflowExecuteMode = 'manual',
	{ stopAfterMs, stop: stopWhen }: { stopAfterMs?: number; stop?: Promise<unknown> } = {},
): Promise<IRun> {
	const connections: Workflow['connectionsBySourceNode'] = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', workflow as never);
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execute = new WorkflowExecute(createAdditionalData(store, credentialTypes, hooks), mode, runData);
	const execution = execute.processRunExecutionData(workflow);
	// What n8n does when the user presses Stop: cancel the running execution. n8n reports the stop at once;
	// the engine settles only when the running node has returned.
	const stop = stopAfterMs === undefined ? undefined : setTimeout(() => execution.cancel(), stopAfterMs);
	void stopWhen?.then(() => execution.cancel());
	await execution;
	clearTimeout(stop);
	return await finished;
}

/**
 * Executes Manual Trigger → (optional Items) → nodes... in a chain and returns the run.
 * `nodes[i]` is connected to `nodes[i+1]`.
 */
export async function runWorkflow(
	chain: WorkflowNode[],
	store: CredentialStore,
	mode: WorkflowExecuteMode = 'manual',
	{ stopAfterMs, stop }: { stopAfterMs?: number; stop?: Promise<unknown> } = {},
): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const all: WorkflowNode[] = [{ name: 'When clicking Execute', type: 'test.manualTrigger' }, ...chain];
	const nodes: INode[] = all.map((node, index) => ({
		id: `node-${index}`,
		name: node.name,
		type: node.type.includes('.') ? node.type : `${PACKAGE_NAME}.${node.type}`,
		typeVersion: 1,
		position: [index * 200, 0],
		parameters: (node.parameters ?? {}) as INode['parameters'],
		credentials: node.credentials,
		onError: node.onError,
		continueOnFail: node.continueOnFail,
	}));
	const run = await executeChain(nodes, nodeTypes, store, credentialTypes, mode, { stopAfterMs, stop });
	const items = (nodeName: string, outputIndex = 0): INodeExecutionData[] => {
		const taskData = run.data.resultData.runData[nodeName]?.[0];
		return taskData?.data?.main?.[outputIndex] ?? [];
	};
	return {
		run,
		items,
		output: (nodeName, outputIndex) => items(nodeName, outputIndex).map((item) => item.json),
		error: run.data.resultData.error as RunResult['error'],
	};
}
