'use strict';
// The example workflows in examples/, imported into a running n8n: by `npm start` and by the end-to-end tests.
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');

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
		const id = await n8n.createWorkflow(workflow);
		// A webhook-started example is activated so its production URL answers straight away.
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook')) await n8n.activate(id);
		imported.push({ id, name: workflow.name, file });
	}
	return imported;
}

module.exports = { importExamples };
