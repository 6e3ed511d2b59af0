'use strict';
// `npm start`: a real n8n 2.41.1 on http://127.0.0.1:5678 with this package installed as a community
// package, the API emulators on http://127.0.0.1:4010, an owner account, credentials pointing at the
// emulators and the example workflows imported. The erasure webhooks check a Header Auth credential whose secret is
// new at every start (printed once, never written to the repository). Ctrl-C stops everything it started.
const fs = require('node:fs');
const path = require('node:path');

const { createEmulatorServer, emulatorCredentials } = require('../dev/emulators/server');
const {
	importExamples,
	closeOpenExampleWebhooks,
	ensureWebhookCredential,
	ensureReceiptKeyCredential,
	ensureDataTable,
	DATA_TABLES,
} = require('../dev/examples');
const { startN8n, packPackage } = require('../dev/n8n-instance');
const { N8N_VERSION } = require('../dev/n8n-runtime');

const REPO = path.resolve(__dirname, '..');
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT || 4010);
const USER_FOLDER = path.join(REPO, '.cache', 'n8n-home');

const CREDENTIAL_NAMES = {
	streamVideoApi: 'Stream Video account',
	microsoftGraphCallsApi: 'Microsoft Graph Calls account',
	huskyVoiceApi: 'HuskyVoice account',
	huskyVoiceWebhookApi: 'HuskyVoice webhook',
	openAiApi: 'OpenAI (scripted emulator)',
};

function credentialDefinitions(emulator) {
	return Object.entries(emulatorCredentials(emulator)).map(([type, data]) => ({ name: CREDENTIAL_NAMES[type], type, data }));
}

/** Creates each credential unless one of that name and type already exists; returns ids by type. */
async function ensureCredentials(n8n, emulator) {
	const existing = (await n8n.rest('GET', '/credentials')).body?.data ?? [];
	const idByType = {};
	for (const definition of credentialDefinitions(emulator)) {
		const found = existing.find((credential) => credential.name === definition.name && credential.type === definition.type);
		idByType[definition.type] = found ? found.id : await n8n.createCredential(definition.name, definition.type, definition.data);
	}
	return idByType;
}

async function main() {
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const emulator = await createEmulatorServer({ port: EMULATOR_PORT });
	process.stdout.write(`API emulators listening on ${emulator.url}\n`);
	process.stdout.write(`Starting n8n ${N8N_VERSION} with n8n-nodes-call-deletion (the first start installs n8n; later starts take ~30 s)...\n`);
	let n8n;
	try {
		// A pool of SQLite connections, as n8n 2.x has by default: n8n 1.x's default single connection can lose data table
		// rows written by two executions at once (docs/erasure-lifecycle.md, "n8n 1.x").
		n8n = await startN8n({ port: N8N_PORT, userFolder: USER_FOLDER, tarball: packPackage(), env: { DB_SQLITE_POOL_SIZE: '3' } });
	} catch (error) {
		await emulator.close();
		throw error;
	}
	const idByType = await ensureCredentials(n8n, emulator);
	const webhook = await ensureWebhookCredential(n8n);
	idByType[webhook.type] = webhook.id;
	const receiptPublicKeyFile = path.join(USER_FOLDER, 'receipt-public.pem');
	const receiptKey = await ensureReceiptKeyCredential(n8n, receiptPublicKeyFile);
	idByType.erasureReceiptKeyApi = receiptKey.id;
	// The examples' data tables (their names and columns are part of the examples' contract), also when the examples
	// were imported by an earlier start.
	for (const table of DATA_TABLES) await ensureDataTable(n8n, table);
	const closed = await closeOpenExampleWebhooks(n8n);
	const imported = await importExamples(n8n, idByType);
	const auth = `-H '${webhook.header}: ${webhook.value}'`;

	process.stdout.write(
		[
			'',
			`n8n is ready: ${n8n.baseUrl}`,
			`  login:    ${n8n.owner.email}`,
			`  password: ${n8n.owner.password}`,
			'',
			`Credentials point at the emulators (${emulator.url}); sandbox calls: Stream default:demo-1…5, two Graph calls, HuskyVoice call_demo1…3.`,
			imported.length ? `Imported examples: ${imported.map((workflow) => workflow.name).join('; ')}` : 'Examples already imported.',
			...(closed.length ? [`Deactivated (their erasure webhook checked no credential): ${closed.join('; ')}`] : []),
			'',
			`The erasure webhooks answer only requests with the header of the "Erasure webhook token" credential (Header Auth).`,
			'Its secret is new at this start; whoever has it can erase calls. Keep it out of tickets, chats and logs:',
			`  ${webhook.header}: ${webhook.value}`,
			'Try the GDPR erasure chain:',
			`  curl -s -X POST ${n8n.baseUrl}/webhook/gdpr-erasure -H 'content-type: application/json' ${auth} \\`,
			`    -d '{"requestId":"gdpr-1","streamCalls":[{"type":"default","id":"demo-1"}],"graphCalls":["2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4"],"huskyCalls":["call_demo1"]}'`,
			'Erase everything one person left behind (Stream calls they were in or created, HuskyVoice calls), verified:',
			`  curl -s -X POST ${n8n.baseUrl}/webhook/erase-person -H 'content-type: application/json' ${auth} \\`,
			`    -d '{"requestId":"dsr-1","streamUserId":"erase-me","huskyCallIds":["call_demo2"]}'`,
			'Without the header n8n answers 403 and runs nothing; see docs/securing-webhooks.md.',
			`Data tables (Overview → Data tables): ${DATA_TABLES.map((table) => table.name).join(', ')}.`,
			'Follow an erasure request to its end (docs/erasure-lifecycle.md): the request is answered at once, the completion',
			'workflow (every 5 minutes) confirms it to the CRM callback set in its "Settings" node:',
			`  curl -s -X POST ${n8n.baseUrl}/webhook/erasure-request -H 'content-type: application/json' ${auth} \\`,
			`    -d '{"requestId":"dsr-2","streamCalls":[{"type":"default","id":"demo-2"}],"huskyCallIds":["call_demo3"]}'`,
			'',
			`The examples sign their erasures with the "Erasure receipt key" credential (key ID ${receiptKey.kid}).`,
			`Its public key, to check receipts with (docs/receipts.md): ${receiptPublicKeyFile}`,
			`  node scripts/verify-receipts.mjs --key ${receiptPublicKeyFile} <saved answer.json>`,
			`Emulator request log: ${emulator.url}/_control/log`,
			'',
			'Press Ctrl-C to stop n8n and the emulators.',
			'',
		].join('\n'),
	);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping n8n and the emulators...\n');
		await n8n.stop();
		await emulator.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`npm start failed: ${error.message}\n`);
		process.exit(1);
	});
}

