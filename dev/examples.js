'use strict';
// The example workflows in examples/, imported into a running n8n: by `npm start` and by the end-to-end tests.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { call } = require('./n8n-instance');

const REPO = path.resolve(__dirname, '..');

/**
 * The data table the bulk-cleanup example keeps its audit lines in, written page by page: a "requested" line per call
 * before the page is deleted, then its outcome (see docs/operations.md, "If a worker dies"). In n8n: Overview → Data tables →
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
		{ name: 'receipt', type: 'string' },
	],
};

/**
 * The data table the erasure lifecycle examples (erasure-request, erasure-completion) keep one row per call of a
 * request in: identifiers, states, times and receipts only, no personal data beyond the IDs the request names. See
 * docs/erasure-lifecycle.md. Times are ISO 8601 text (UTC), so both n8n lines compare and show them alike.
 */
const REQUESTS_TABLE = {
	name: 'erasure_requests',
	columns: [
		{ name: 'erasureRequestId', type: 'string' },
		{ name: 'provider', type: 'string' },
		{ name: 'callType', type: 'string' },
		{ name: 'callId', type: 'string' },
		{ name: 'taskId', type: 'string' },
		{ name: 'status', type: 'string' },
		{ name: 'receivedAt', type: 'string' },
		{ name: 'dueBy', type: 'string' },
		{ name: 'finishedAt', type: 'string' },
		{ name: 'deleteAttempts', type: 'number' },
		{ name: 'error', type: 'string' },
		{ name: 'receipt', type: 'string' },
		{ name: 'completionReceipt', type: 'string' },
		{ name: 'confirmedAt', type: 'string' },
		// The callback's hold: a completion run that is sending a request's callback claims its rows (callbackBy: its
		// execution ID) until callbackNotBefore, so two runs at once never both send it. Written as receivedAt at first.
		{ name: 'callbackBy', type: 'string' },
		{ name: 'callbackNotBefore', type: 'string' },
	],
};

/** The data tables the examples use, by name: `npm start` creates them, with these columns. */
const DATA_TABLES = [AUDIT_TABLE, REQUESTS_TABLE];

/**
 * A data table of the examples (`AUDIT_TABLE`, `REQUESTS_TABLE`) in the owner's personal project, created when
 * missing; a table made by an earlier version gets the columns added since. Answers its project and table IDs.
 */
async function ensureDataTable(n8n, table) {
	const project = await n8n.rest('GET', '/projects/personal');
	const projectId = project.body?.data?.id;
	if (!projectId) throw new Error(`no personal project: ${JSON.stringify(project.body)}`);
	const listed = await n8n.rest('GET', `/projects/${projectId}/data-tables?take=100`);
	const existing = (listed.body?.data?.data ?? []).find((candidate) => candidate.name === table.name);
	if (existing) {
		const have = new Set((existing.columns ?? []).map((column) => column.name));
		for (const column of table.columns.filter((candidate) => !have.has(candidate.name))) {
			const added = await n8n.rest('POST', `/projects/${projectId}/data-tables/${existing.id}/columns`, column);
			if (added.status >= 300) throw new Error(`could not add column ${column.name} to ${table.name}: ${JSON.stringify(added.body)}`);
		}
		return { projectId, dataTableId: existing.id };
	}
	const created = await n8n.rest('POST', `/projects/${projectId}/data-tables`, table);
	const dataTableId = created.body?.data?.id;
	if (!dataTableId) throw new Error(`could not create the ${table.name} data table: ${JSON.stringify(created.body)}`);
	return { projectId, dataTableId };
}

/** Every row of a data table, read through n8n's REST API page by page, as the Data tables page reads them. */
async function dataTableRows(n8n, { projectId, dataTableId }) {
	const rows = [];
	for (;;) {
		const page = await n8n.rest('GET', `/projects/${projectId}/data-tables/${dataTableId}/rows?take=100&skip=${rows.length}`);
		if (page.status !== 200) throw new Error(`data table rows → ${page.status}: ${JSON.stringify(page.body).slice(0, 500)}`);
		const { count, data } = page.body.data;
		rows.push(...data);
		if (data.length === 0 || rows.length >= count) return rows;
	}
}

/** The audit data table in the owner's personal project, created when missing; answers its project and table IDs. */
const ensureAuditTable = (n8n) => ensureDataTable(n8n, AUDIT_TABLE);

/**
 * Points each Data Table node of a workflow at the table it names (`cachedResultName`), by ID: `idByName` maps table
 * names to IDs. A node that names no table is pointed at the audit table.
 */
function useDataTables(workflow, idByName) {
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-base.dataTable') continue;
		const name = node.parameters.dataTableId?.cachedResultName || AUDIT_TABLE.name;
		const id = idByName[name];
		if (!id) throw new Error(`${workflow.name}: node "${node.name}" names the data table "${name}", which the examples do not create`);
		node.parameters.dataTableId = { __rl: true, mode: 'id', value: id, cachedResultName: name };
	}
}

/** Points every Data Table node of a workflow at the audit table. */
function useAuditTable(workflow, dataTableId) {
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.dataTable') node.parameters.dataTableId = { __rl: true, mode: 'id', value: dataTableId };
	}
}

/** The tables a workflow's Data Table nodes name, created when missing; answers their IDs by name. */
async function ensureDataTablesOf(n8n, workflow) {
	const names = new Set(
		workflow.nodes
			.filter((node) => node.type === 'n8n-nodes-base.dataTable')
			.map((node) => node.parameters.dataTableId?.cachedResultName || AUDIT_TABLE.name),
	);
	const idByName = {};
	for (const name of names) {
		const table = DATA_TABLES.find((candidate) => candidate.name === name);
		if (!table) throw new Error(`${workflow.name} names the data table "${name}", which the examples do not create`);
		idByName[name] = (await ensureDataTable(n8n, table)).dataTableId;
	}
	return idByName;
}

/**
 * The n8n credential (built-in Header Auth) that every example's erasure webhook checks: a request without
 * `Authorization: <value>` is refused by n8n's Webhook node (403) before the workflow runs.
 */
const WEBHOOK_CREDENTIAL = { name: 'Erasure webhook token', type: 'httpHeaderAuth', header: 'Authorization' };

/** A new random secret, in the form a CRM's "Bearer token" setting sends it. */
const newWebhookSecret = () => `Bearer ${crypto.randomBytes(32).toString('base64url')}`;

/**
 * Creates the webhook credential, or gives the existing one (by name and type) a new secret: n8n never shows a saved
 * secret again, so each call rotates it, and the previous secret stops working. Answers its id, header and value.
 */
async function ensureWebhookCredential(n8n) {
	const value = newWebhookSecret();
	const data = { name: WEBHOOK_CREDENTIAL.header, value };
	const existing = ((await n8n.rest('GET', '/credentials')).body?.data ?? []).find(
		(credential) => credential.name === WEBHOOK_CREDENTIAL.name && credential.type === WEBHOOK_CREDENTIAL.type,
	);
	let id;
	if (existing) {
		const updated = await n8n.rest('PATCH', `/credentials/${existing.id}`, {
			name: WEBHOOK_CREDENTIAL.name,
			type: WEBHOOK_CREDENTIAL.type,
			data,
		});
		if (updated.status !== 200) throw new Error(`could not rotate the ${WEBHOOK_CREDENTIAL.name} credential (HTTP ${updated.status})`);
		id = existing.id;
	} else {
		id = await n8n.createCredential(WEBHOOK_CREDENTIAL.name, WEBHOOK_CREDENTIAL.type, data);
	}
	return { id, type: WEBHOOK_CREDENTIAL.type, header: WEBHOOK_CREDENTIAL.header, value };
}

/** The signing key credential the examples sign their erasures with (Sign Receipts). */
const RECEIPT_KEY_CREDENTIAL = { name: 'Erasure receipt key', type: 'erasureReceiptKeyApi' };

/**
 * The receipt signing key: created once with a new Ed25519 key, whose public key is written to `publicKeyFile` for
 * the owner to publish. Kept across starts while that file exists, so earlier receipts stay checkable with it; a
 * credential whose public key was lost gets a new key. Answers its id, the public key PEM and the key ID.
 */
async function ensureReceiptKeyCredential(n8n, publicKeyFile) {
	const existing = ((await n8n.rest('GET', '/credentials')).body?.data ?? []).find(
		(credential) => credential.name === RECEIPT_KEY_CREDENTIAL.name && credential.type === RECEIPT_KEY_CREDENTIAL.type,
	);
	if (existing && publicKeyFile && fs.existsSync(publicKeyFile)) {
		const publicKeyPem = fs.readFileSync(publicKeyFile, 'utf8');
		return { id: existing.id, publicKeyPem, kid: keyId(publicKeyPem) };
	}
	const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
	const data = { privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), issuer: 'n8n-nodes-call-deletion demo' };
	let id = existing?.id;
	if (id) {
		const updated = await n8n.rest('PATCH', `/credentials/${id}`, { ...RECEIPT_KEY_CREDENTIAL, data });
		if (updated.status !== 200) throw new Error(`could not renew the ${RECEIPT_KEY_CREDENTIAL.name} credential (HTTP ${updated.status})`);
	} else {
		id = await n8n.createCredential(RECEIPT_KEY_CREDENTIAL.name, RECEIPT_KEY_CREDENTIAL.type, data);
	}
	const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
	if (publicKeyFile) fs.writeFileSync(publicKeyFile, publicKeyPem);
	return { id, publicKeyPem, kid: keyId(publicKeyPem) };
}

/** The key ID receipts name a public key by: the package's own RFC 7638 thumbprint (dist/, built before any start or test). */
function keyId(publicKeyPem) {
	const { verifyingKeysFrom } = require('../dist/nodes/shared/receipts/verify');
	return verifyingKeysFrom(publicKeyPem)[0].kid;
}

/**
 * The login of the AI-agent example's chat (Chat Trigger with Basic Auth, n8n's httpBasicAuth credential): made with
 * a random password nobody knows unless the caller brings its own; set one in n8n to use the chat.
 */
const CHAT_LOGIN_CREDENTIAL = { name: 'Erasure chat login', type: 'httpBasicAuth', user: 'reviewer' };

/**
 * The OpenAI credential of the AI-agent example when the caller brings none: a placeholder whose Base URL is the
 * scripted model of `npm run emulators` (port 4010), not OpenAI; replace it with a real key and URL to use a real model.
 */
const OPENAI_PLACEHOLDER_CREDENTIAL = {
	name: 'OpenAI account (placeholder: scripted emulator)',
	type: 'openAiApi',
	data: { apiKey: 'sk-placeholder', url: 'http://127.0.0.1:4010/openai/v1', header: false },
};

/** Finds a credential by name and type, or creates it with `data()`; answers its id. */
async function ensureNamedCredential(n8n, name, type, data) {
	const existing = ((await n8n.rest('GET', '/credentials')).body?.data ?? []).find(
		(credential) => credential.name === name && credential.type === type,
	);
	return existing ? existing.id : await n8n.createCredential(name, type, data());
}

/**
 * POSTs to a production webhook with the given headers; `body` is sent as JSON, or as is when it is a string. Waits
 * for n8n to register the webhook (it answers 404 "not registered" for a moment after activation).
 */
async function postWebhook(baseUrl, pathName, body, headers = {}) {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const response = await call('POST', `${baseUrl}/webhook/${pathName}`, { body, headers });
		const notRegistered = response.status === 404 && JSON.stringify(response.body ?? '').includes('not registered');
		if (!notRegistered || Date.now() >= deadline) return { status: response.status, body: response.body };
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Whether a workflow has a Webhook node that checks no credential. */
const hasOpenWebhook = (workflow) =>
	(workflow.nodes ?? []).some((node) => node.type === 'n8n-nodes-base.webhook' && (node.parameters?.authentication ?? 'none') === 'none');

/** The webhook paths of the examples. */
const examplePaths = () =>
	fs
		.readdirSync(path.join(REPO, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.flatMap((file) => JSON.parse(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8')).nodes)
		.filter((node) => node.type === 'n8n-nodes-base.webhook')
		.map((node) => node.parameters.path);

/**
 * Deactivates every active workflow that answers one of the examples' webhook paths without checking a credential
 * (an earlier version of an example, imported before its webhook had authentication); answers their names.
 */
async function closeOpenExampleWebhooks(n8n) {
	const paths = new Set(examplePaths());
	const closed = [];
	for (const workflow of (await n8n.api('GET', '/workflows?limit=250')).data ?? []) {
		const open = (workflow.nodes ?? []).some(
			(node) =>
				node.type === 'n8n-nodes-base.webhook' &&
				paths.has(node.parameters?.path) &&
				(node.parameters?.authentication ?? 'none') === 'none',
		);
		if (workflow.active && open) {
			await n8n.deactivate(workflow.id);
			closed.push(workflow.name);
		}
	}
	return closed;
}

/**
 * Imports every example not yet present (by name), with its credentials pointed at ours (`idByType`; without an
 * `httpHeaderAuth` one, a new webhook credential is made); returns what it imported.
 */
async function importExamples(n8n, idByType) {
	const existing = (await n8n.api('GET', '/workflows?limit=250')).data ?? [];
	const imported = [];
	for (const file of fs
		.readdirSync(path.join(REPO, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		const workflow = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8'));
		// An earlier import of the same example is kept, unless its webhook checks no credential.
		if (existing.some((candidate) => candidate.name === workflow.name && !hasOpenWebhook(candidate))) continue;
		for (const node of workflow.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				// A caller that brings no webhook credential gets one with a secret nobody knows: the webhook stays closed.
				if (type === WEBHOOK_CREDENTIAL.type && !idByType[type])
					idByType = { ...idByType, [type]: (await ensureWebhookCredential(n8n)).id };
				if (type === RECEIPT_KEY_CREDENTIAL.type && !idByType[type])
					idByType = { ...idByType, [type]: (await ensureReceiptKeyCredential(n8n)).id };
				if (type === CHAT_LOGIN_CREDENTIAL.type && !idByType[type]) {
					const id = await ensureNamedCredential(n8n, CHAT_LOGIN_CREDENTIAL.name, CHAT_LOGIN_CREDENTIAL.type, () => ({
						user: CHAT_LOGIN_CREDENTIAL.user,
						password: crypto.randomBytes(24).toString('base64url'),
					}));
					idByType = { ...idByType, [type]: id };
				}
				if (type === OPENAI_PLACEHOLDER_CREDENTIAL.type && !idByType[type]) {
					const { name, type: placeholderType, data } = OPENAI_PLACEHOLDER_CREDENTIAL;
					idByType = { ...idByType, [type]: await ensureNamedCredential(n8n, name, placeholderType, () => data) };
				}
				reference.id = idByType[type];
			}
		}
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-base.dataTable'))
			useDataTables(workflow, await ensureDataTablesOf(n8n, workflow));
		const id = await n8n.createWorkflow(workflow);
		// A webhook-started example is activated so its production URL answers straight away (the AI-agent example's chat
		// is not: its trigger is a Chat Trigger, opened by whoever sets its login and model).
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-base.webhook')) await n8n.activate(id);
		imported.push({ id, name: workflow.name, file });
	}
	return imported;
}

module.exports = {
	importExamples,
	closeOpenExampleWebhooks,
	ensureAuditTable,
	ensureDataTable,
	useAuditTable,
	useDataTables,
	AUDIT_TABLE,
	REQUESTS_TABLE,
	DATA_TABLES,
	dataTableRows,
	WEBHOOK_CREDENTIAL,
	ensureWebhookCredential,
	RECEIPT_KEY_CREDENTIAL,
	ensureReceiptKeyCredential,
	CHAT_LOGIN_CREDENTIAL,
	OPENAI_PLACEHOLDER_CREDENTIAL,
	postWebhook,
};
