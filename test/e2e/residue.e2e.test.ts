/**
 * An erasure leaves no copy behind. The erase-person example, imported as shipped into a real n8n, receives three
 * CRM requests through its webhook (an erasure, the same request re-delivered, and one with a call that cannot be
 * erased yet). Then n8n is stopped, and every row of every table of its database, every file it wrote and its log
 * output are scanned for the person's unique values. The same run with n8n's default workflow settings is the
 * baseline, printed beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readN8nStore, scanN8nStore } = require('../../dev/n8n-store');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureWebhookCredential, postWebhook } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_VERSION } = require('../../dev/n8n-runtime');

jest.setTimeout(400_000);

/** One person, with values found nowhere else: what the CRM and the providers hold about them. */
const PERSON = {
	streamUserId: 'residue-user-5c2e9',
	displayName: 'Residue Displayname Orrin',
	customField: 'residue-custom-field-4410',
	huskyContactName: 'Residue Contact Wynne',
	huskyContactPhone: '+15550142287',
};
const MARKERS = Object.values(PERSON);

interface Scan {
	hits: Array<{ where: string; marker: string; count: number }>;
	total: number;
	rawDatabase: Record<string, number>;
	tables: number;
}
interface Run {
	answers: Answer[];
	/** Right after the third answer, n8n still running. */
	atEnd: Scan;
	/** n8n stopped (after its next hard-delete, for the shipped settings). */
	scan: Scan;
	/** Seconds from the third answer until no execution row was left, for the shipped settings. */
	rowsGoneAfterS?: number;
	/** The same two scans for the webhook's secret (the Authorization header every request carried). */
	secretAtEnd: Scan;
	secretScan: Scan;
}
interface Answer {
	requestId: string;
	summary: { erased: number; alreadyGone: number; failed: number; liveLeftOut: number };
	records: IDataObject[];
}

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/erase-person.json'), 'utf8')) as IDataObject & {
	nodes: Array<IDataObject & { credentials?: Record<string, { id: string; name: string }> }>;
	settings: IDataObject;
};

function seedPerson(bench: RealN8n) {
	const stream = bench.emulator.stream as unknown as Record<string, (value: IDataObject[]) => void>;
	const husky = bench.emulator.husky as unknown as Record<string, (value: IDataObject[]) => void>;
	stream.seedUsers([{ id: PERSON.streamUserId, name: PERSON.displayName, custom: { note: PERSON.customField } }]);
	stream.seedCalls([
		{ type: 'default', id: 'res-call-1', created_by_user_id: PERSON.streamUserId, members: [PERSON.streamUserId, 'agent-9'], custom: { crm: PERSON.customField } },
		{ type: 'default', id: 'res-call-2', members: [PERSON.streamUserId], participants: [], ended_at: null },
	]);
	husky.seedCalls([
		{ call_id: 'call_res_done', status: 'completed', contact_name: PERSON.huskyContactName, contact_number: PERSON.huskyContactPhone },
		{ call_id: 'call_res_live', status: 'in_progress', contact_name: PERSON.huskyContactName, contact_number: PERSON.huskyContactPhone },
	]);
}

/**
 * n8n 2.x does not delete an unsaved execution at its end: it marks it deleted, and its pruning removes the row at
 * its next hard-delete, every EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL minutes (default 15). n8n 1.x deletes it at
 * once. The shipped run sets that interval to its smallest whole value, 1 minute, and waits for it.
 */
const HARD_DELETE_INTERVAL_MINUTES = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A scan for the webhook secret, with the secret itself replaced by a label (it must not reach the test output). */
function scanForSecret(store: unknown, logs: string, secret: string): Scan {
	const scan = scanN8nStore(store, logs, [secret]) as Scan;
	const label = 'the webhook secret';
	return { ...scan, hits: scan.hits.map((hit) => ({ ...hit, marker: label })), rawDatabase: { [label]: scan.rawDatabase[secret] ?? 0 } };
}
/** n8n's database and files; while n8n writes (n8n 1.x deletes an unsaved execution right after it), read again. */
async function readStore(userFolder: string): Promise<{ tables: Record<string, unknown[]> }> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			return readN8nStore(userFolder);
		} catch (error) {
			if (!String((error as Error).message).includes('database is locked') || Date.now() > deadline) throw error;
			await sleep(200);
		}
	}
}
const executionRows = async (userFolder: string) => ((await readStore(userFolder)).tables.execution_entity as unknown[]).length;

/** Boots n8n, imports erase-person with the given workflow settings, sends the three requests, stops n8n and scans it. */
async function eraseAndScan(settings: IDataObject, { waitForHardDelete }: { waitForHardDelete: boolean }): Promise<Run> {
	const bench = await bootRealN8n(
		waitForHardDelete ? { EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL: String(HARD_DELETE_INTERVAL_MINUTES) } : {},
	);
	try {
		// The webhook checks the credential `npm start` creates; the requests below send it.
		const webhook = (await ensureWebhookCredential(bench.n8n)) as { id: string; type: string; header: string; value: string };
		const idByType = {
			...Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id])),
			[webhook.type]: webhook.id,
		};
		const nodes = example.nodes.map((node) => ({
			...node,
			...(node.credentials
				? {
						credentials: Object.fromEntries(
							Object.entries(node.credentials).map(([type, reference]) => [type, { ...reference, id: idByType[type] }]),
						),
					}
				: {}),
		}));
		const id = await bench.n8n.createWorkflow({ ...example, nodes, settings });
		await bench.n8n.activate(id);
		seedPerson(bench);
		const erasure = { requestId: 'dsr-residue-1', streamUserId: PERSON.streamUserId, huskyCallIds: ['call_res_done'] };
		const answers: Answer[] = [];
		for (const request of [erasure, erasure, { ...erasure, requestId: 'dsr-residue-2', huskyCallIds: ['call_res_live'] }]) {
			const response = (await postWebhook(bench.n8n.baseUrl, 'erase-person', request, { [webhook.header]: webhook.value })) as {
				status: number;
				body: unknown;
			};
			expect(response.status).toBe(200);
			answers.push(response.body as Answer);
		}
		const answered = Date.now();
		const { userFolder } = bench.n8n;
		const storeAtEnd = await readStore(userFolder);
		const atEnd = scanN8nStore(storeAtEnd, bench.n8n.logs(), MARKERS) as Scan;
		const secret = webhook.value.replace(/^Bearer /, '');
		const secretAtEnd = scanForSecret(storeAtEnd, bench.n8n.logs(), secret);
		let rowsGoneAfterS: number | undefined;
		if (waitForHardDelete) {
			// Two intervals and a margin: n8n's first hard-delete runs one interval after its start.
			const deadline = answered + (2 * HARD_DELETE_INTERVAL_MINUTES * 60 + 30) * 1000;
			while ((await executionRows(userFolder)) > 0 && Date.now() < deadline) await sleep(2000);
			if ((await executionRows(userFolder)) === 0) rowsGoneAfterS = Math.round((Date.now() - answered) / 1000);
		}
		await bench.n8n.stop();
		const stopped = await readStore(userFolder);
		return {
			answers,
			atEnd,
			rowsGoneAfterS,
			scan: scanN8nStore(stopped, bench.n8n.logs(), MARKERS) as Scan,
			secretAtEnd,
			secretScan: scanForSecret(stopped, bench.n8n.logs(), secret),
		};
	} finally {
		await bench.close();
	}
}

function report(label: string, scan: Scan): string {
	const lines = [`${label}: ${scan.total} marker hits in ${scan.tables} tables, the other files and the log output`];
	for (const hit of scan.hits) lines.push(`  ${hit.where}: ${hit.marker} × ${hit.count}`);
	const raw = Object.entries(scan.rawDatabase).filter(([, count]) => count > 0);
	lines.push(`  raw database file (free pages included): ${raw.length === 0 ? 'none' : raw.map(([marker, count]) => `${marker} × ${count}`).join(', ')}`);
	return lines.join('\n');
}

let shipped: Run;
let baseline: Run;

beforeAll(async () => {
	shipped = await eraseAndScan(example.settings, { waitForHardDelete: true });
	baseline = await eraseAndScan({ executionOrder: 'v1' }, { waitForHardDelete: false });
	process.stdout.write(
		[
			`\nResidue scan, n8n ${N8N_VERSION}, erase-person example, 3 requests through its webhook`,
			report('as shipped, right after the third answer', shipped.atEnd),
			`  execution rows gone ${shipped.rowsGoneAfterS ?? 'NOT'} s after the third answer (hard-delete interval ${HARD_DELETE_INTERVAL_MINUTES} min)`,
			report('as shipped, n8n stopped', shipped.scan),
			report("n8n's default workflow settings (baseline), n8n stopped", baseline.scan),
			report('the webhook secret, as shipped, right after the third answer', shipped.secretAtEnd),
			report('the webhook secret, as shipped, n8n stopped', shipped.secretScan),
			report('the webhook secret, baseline, n8n stopped', baseline.secretScan),
			'',
		].join('\n'),
	);
});

test('both CRM examples tell n8n to save none of their executions: successful, failed, manual, or progress', () => {
	for (const file of ['erase-person.json', 'crm-erasure-chain.json']) {
		const { settings } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples', file), 'utf8')) as { settings: IDataObject };
		expect(settings).toMatchObject({
			saveDataSuccessExecution: 'none',
			saveDataErrorExecution: 'none',
			saveManualExecutions: false,
			saveExecutionProgress: false,
		});
	}
});

test('each answer still carries the audit records: erased, then already gone, then the failed item reported', () => {
	for (const { answers } of [shipped, baseline]) {
		expect(answers.map((answer) => answer.summary)).toEqual([
			{ erased: 3, alreadyGone: 0, failed: 0, liveLeftOut: 0 },
			{ erased: 0, alreadyGone: 1, failed: 0, liveLeftOut: 0 },
			{ erased: 0, alreadyGone: 0, failed: 1, liveLeftOut: 0 },
		]);
		expect(answers[0].records.map((record) => [record.provider, record.callId, record.outcome, record.verified])).toEqual(
			expect.arrayContaining([
				['streamVideo', 'res-call-1', 'deleted', true],
				['streamVideo', 'res-call-2', 'deleted', true],
				['huskyVoice', 'call_res_done', 'deleted', true],
			]),
		);
		expect(answers[2].records).toEqual([
			expect.objectContaining({ provider: 'huskyVoice', callId: 'call_res_live', outcome: 'error', error: expect.stringMatching(/in_progress/) }),
		]);
		// The CRM's answer names only what the CRM sent: no name, number or custom data from the providers.
		const fromProviders = [PERSON.displayName, PERSON.customField, PERSON.huskyContactName, PERSON.huskyContactPhone];
		for (const marker of fromProviders) expect(JSON.stringify(answers)).not.toContain(marker);
	}
});

test('as shipped, n8n keeps none of the person’s data: 0 hits in every table, file and log line', () => {
	expect(shipped.scan.tables).toBeGreaterThan(10);
	expect(shipped.rowsGoneAfterS).toEqual(expect.any(Number));
	expect(shipped.scan.hits).toEqual([]);
	// What was ever there is only the request itself, in the execution n8n was running (never a provider's data).
	expect(shipped.atEnd.hits.filter((hit) => hit.marker !== PERSON.streamUserId || hit.where !== 'table execution_data')).toEqual([]);
});

test("with n8n's default settings, the same run leaves the person's user ID in n8n's execution data", () => {
	expect(baseline.scan.hits.some((hit) => hit.where === 'table execution_data' && hit.marker === PERSON.streamUserId)).toBe(true);
	// Simplify keeps what the providers hold about the person out even then.
	expect(baseline.scan.hits.filter((hit) => hit.marker !== PERSON.streamUserId)).toEqual([]);
});

test("the webhook secret: never in n8n's log; as shipped, in no table once n8n stopped; with n8n's default settings, in execution data", () => {
	for (const scan of [shipped.secretAtEnd, shipped.secretScan, baseline.secretScan]) {
		expect(scan.hits.filter((hit) => hit.where === 'n8n log output')).toEqual([]);
	}
	expect(shipped.secretScan.hits).toEqual([]);
	// The Webhook node's output carries every request header, Authorization included (n8n 1.x and 2.x).
	expect(baseline.secretScan.hits.some((hit) => hit.where === 'table execution_data')).toBe(true);
});
