/**
 * Runs one node of n8n-nodes-base (the cached n8n runtime's copy, the same 2.41.1 release as the n8n-core here)
 * in-process on n8n-core's engine, for the memory bench's anchor: Manual Trigger → Items → that node, as the
 * harness's runWorkflow runs our nodes, but with the node's real typeVersion (the harness pins every node to
 * version 1, which would change the HTTP Request node's behaviour). Our package stays loaded, as in every
 * measured process, and the harness's trigger and Items stand-ins and its chain runner are reused. No
 * credentials: the node is configured with literal headers.
 */
import type { IDataObject, INode, INodeType, INodeTypes, IRun, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CredentialStore, executeChain, loadPackage } from '../harness/n8n-inprocess';

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
	// The harness's host, with no credentials: the node is configured with literal headers.
	const run = await executeChain(nodes, nodeTypes, new CredentialStore(), new Map());
	return {
		run,
		output: (nodeName) => (run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json),
	};
}
