/**
 * Runs one node of n8n-nodes-base (the cached n8n runtime's copy, the same 2.41.1 release as the n8n-core here)
 * in-process on n8n-core's engine, for the memory bench's anchor: Manual Trigger → Items → that node, as the
 * harness's runWorkflow runs our nodes, but with the node's real typeVersion (the harness pins every node to
 * version 1, which would change the HTTP Request node's behaviour). Our package stays loaded, as in every
 * measured process, and the harness's trigger and Items stand-ins are reused. No credentials: the node is
 * configured with literal headers.
 */
import type { IDataObject, INode, INodeType, INodeTypes, IRun, IVersionedNodeType } from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';

import { createAdditionalData, CredentialStore, loadPackage } from '../harness/n8n-inprocess';

export interface BaseNodeRun {
	run: IRun;
	output(nodeName: string): IDataObject[];
}

/**
 * @param modulePath the node's compiled file in n8n-nodes-base, e.g. .../dist/nodes/HttpRequest/HttpRequest.node.js
 * @param node the node as a workflow holds it (name, type "n8n-nodes-base.<name>", typeVersion, parameters, onError)
 * @param items the JSON text of the Items node's output
 */
export async function runBaseNode(
	modulePath: string,
	node: Pick<INode, 'name' | 'type' | 'typeVersion' | 'parameters' | 'onError'>,
	items: string,
): Promise<BaseNodeRun> {
	const { nodeTypes: packageTypes } = await loadPackage();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(modulePath) as Record<string, new () => INodeType | IVersionedNodeType>;
	const NodeClass = Object.values(exported).find((value) => typeof value === 'function');
	if (!NodeClass) throw new Error(`no node class in ${modulePath}`);
	const baseType = new NodeClass();
	const nodeTypes: INodeTypes = {
		getByName: (name) => (name === node.type ? baseType : packageTypes.getByName(name)),
		getByNameAndVersion: (name, version) =>
			name === node.type ? NodeHelpers.getVersionedNodeType(baseType, version) : packageTypes.getByNameAndVersion(name, version),
		getKnownTypes: () => ({}),
	};
	const nodes: INode[] = [
		{ id: 'node-0', name: 'When clicking Execute', type: 'test.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: 'node-1', name: 'Items', type: 'test.items', typeVersion: 1, position: [200, 0], parameters: { items } },
		{ id: 'node-2', position: [400, 0], ...node },
	];
	const connections: Workflow['connectionsBySourceNode'] = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: NodeConnectionTypes.Main, index: 0 }]] };
	}
	const workflow = new Workflow({
		id: 'bench-workflow',
		name: 'bench',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'bench-execution', workflow as never);
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));
	// The harness's host, with no credentials: the node is configured with literal headers.
	const additionalData = createAdditionalData(new CredentialStore(), new Map(), hooks);
	const runData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }] },
	});
	await new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	const run = await finished;
	return {
		run,
		output: (nodeName) => (run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json),
	};
}
