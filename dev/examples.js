'use strict';
// The example workflows in examples/, imported into a running n8n: by `npm start` and by the end-to-end tests.
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');

/**
 * The data table the bulk-cleanup example keeps its audit lines in, written page by page: a "requested" line per call
 * before the page is deleted, then its outcome (see the README, "If a worker dies"). In n8n: Overview → Data tables →
 * Create, with these columns.
 */
const AUDIT_TABLE = {
	name: 'call_erasure_audit',
	columns: [
		{ name: 'executionId', type: 'string' },
		{ name: 'at', type: 'string' },
		{ name: 'callType', type: 'string' },
		{ name: 'callId', type: 'string' },
		{ name: 'cid', type: 'string' },
		{ name: 'outcome', type: 'string' },
		{ name: 'deleted', type: 'boolean' },
		{ name: 'completedAt', type: 'string' },
		{ name: 'taskId', type: 'string' },
		{ name: 'requestId', type: 'string' },
		{ name: 'note', type: 'string' },
		{ name: 'error', type: 'string' },
	],
};

/** The audit data table in the owner's personal project, created when missing; answers its project and table IDs. */
async function ensureAuditTable(n8n) {
	const project = await n8n.rest('GET', '/projects/personal');
	const projectId = project.body?.data?.id;
	if (!projectId) throw new Error(`no personal project: ${JSON.stringify(project.body)}`);
	const listed = await n8n.rest('GET', `/projects/${projectId}/data-tables?take=100`);
	const existing = (listed.body?.data?.data ?? []).find((table) => table.name === AUDIT_TABLE.name);
	if (existing) return { projectId, dataTableId: existing.id };
	const created = await n8n.rest('POST', `/projects/${projectId}/data-tables`, AUDIT_TABLE);
	const dataTableId = created.body?.data?.id;
	if (!dataTableId) throw new Error(`could not create the ${AUDIT_TABLE.name} data table: ${JSON.stringify(created.body)}`);
	return { projectId, dataTableId };
}

/** Points every Data Table node of a workflow at the audit table. */
function useAuditTable(workflow, dataTableId) {
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.dataTable') node.parameters.dataTableId = { __rl: true, mode: 'id', value: dataTableId };
	}
}

/** Imports every example not yet present (by name), with its credentials pointed at ours; returns what it imported. */
async function importExamples(n8n, idByType) {
	const existing = (await n8n.api('GET', '/workflows?limit=250')).data ?? [];
	const imported = [];
	for (const file of fs
		.readdirSync(path.join(REPO, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8'));
		if (existing.some((candidate) => candidate.name === workflow.name)) continue;
		for (const node of workflow.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) reference.id = idByType[type];
		}
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-base.dataTable'))
			useAuditTable(workflow, (await ensureAuditTable(n8n)).dataTableId);
		const id = await n8n.createWorkflow(workflow);
		// A webhook-started example is activated so its production URL answers straight away.
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook')) await n8n.activate(id);
		imported.push({ id, name: workflow.name, file });
	}
	return imported;
}

module.exports = { importExamples, ensureAuditTable, useAuditTable, AUDIT_TABLE };
