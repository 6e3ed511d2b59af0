/**
 * A worker that dies mid-bulk (issue 21), in queue mode: n8n main and a worker on PostgreSQL and Redis, the package
 * installed from its tarball. The bulk delete has the shape of examples/scheduled-bulk-cleanup.json (pages of 50,
 * each page's audit lines kept in an n8n data table before the next page starts), fed here with a list of call IDs
 * through a webhook, as an erasure export or a CRM would send it. The worker is killed with SIGKILL mid-run, and
 * recovery is what the README says ("If a worker dies"): start a new worker, send the same list again with
 * "Re-run of an Interrupted Run" on. Every call must end deleted, and every erasure must have its evidence in the
 * data table: the killed run's own lines for the pages it finished, the re-run's "not found: possibly erased by an
 * interrupted earlier run" for the page it was in.
 *
 * Waits are on real conditions only: the emulator's own count of deleted calls, the execution's status by ID
 * (GET /api/v1/executions/{id}), and main's own execution list for IDs.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, callWebhook, PACKAGE, type RealN8n } from '../../dev/real-n8n';
import { daysAgo } from '../../dev/emulators/client';
import { INTERRUPTED_RUN_NOTE } from '../../nodes/shared/audit';
import { startPostgres, startRedis, type Service, queueEnvFor } from './services';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startWorker, packPackage } = require('../../dev/n8n-instance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureAuditTable, useAuditTable, dataTableRows } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_VERSION } = require('../../dev/n8n-runtime');

jest.setTimeout(900_000);

type Worker = { logs(): string; stop(): Promise<void>; kill(): Promise<void> };

const CALLS = 300;
const PAGE = 50;
/** Kill once this many calls are deleted: the third page is on its way. */
const KILL_AFTER = 120;
/** Stream's limit for DeleteCall here: 1,200 a minute, 40 a second. */
const DELETE_LIMIT_PER_MINUTE = 1200;
/**
 * The example does not save execution progress (see docs/operations.md). WORKER_CRASH_SAVE_PROGRESS=1 turns it on here, to see
 * what n8n keeps of it across the crash.
 */
const SAVE_PROGRESS = process.env.WORKER_CRASH_SAVE_PROGRESS === '1';

let postgres: Service;
let redis: Service;
let bench: RealN8n;
let tarball: string;
let queueEnv: Record<string, string>;
const workers: Worker[] = [];
let audit: { projectId: string; dataTableId: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
	read: () => Promise<T> | T,
	accept: (value: T) => boolean,
	what: string,
	timeoutMs: number,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (accept(value)) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(value)?.slice(0, 2000)}`);
		await sleep(intervalMs);
	}
}

beforeAll(async () => {
	postgres = await startPostgres('n8n');
	redis = await startRedis();
	queueEnv = queueEnvFor(postgres, redis);
	bench = await bootRealN8n(queueEnv);
	tarball = packPackage();
	workers.push(await startWorker({ tarball, env: queueEnv }));
	audit = await ensureAuditTable(bench.n8n);
	bench.emulator.stream.configure({ rateLimits: { deleteCall: DELETE_LIMIT_PER_MINUTE } } as never);
});

afterAll(async () => {
	for (const worker of workers) await worker.stop();
	await bench?.close();
	await redis?.stop();
	await postgres?.stop();
});

const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/scheduled-bulk-cleanup.json'), 'utf8')) as IDataObject & {
	nodes: IDataObject[];
	settings: IDataObject;
};
const exampleNode = (name: string) => {
	const node = example.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`examples/scheduled-bulk-cleanup.json has no node "${name}"`);
	return JSON.parse(JSON.stringify(node)) as IDataObject & { parameters: IDataObject };
};

/**
 * The example's pages, "requested" lines, delete, audit lines and data table, started by a webhook with a list of call
 * IDs instead of the schedule and Get Many; a soft delete (named Delete here), and Re-run of an Interrupted Run read
 * from the request. Without pages (the cost test): one delete of every item, then every audit line at the end.
 */
async function createListWorkflow(webhookPath: string, { paged = true, settings = example.settings } = {}): Promise<string> {
	const chain = ['Pages of 50', 'Requested lines', 'Keep requested lines', 'Hard delete', 'Audit log', 'Keep audit lines'];
	const used = paged ? chain : ['Hard delete', 'Audit log', 'Keep audit lines'];
	const rename = (name: string) => (name === 'Hard delete' ? 'Delete' : name);
	const nodes = used.map((name) => ({ ...exampleNode(name), name: rename(name) }));
	const remove = nodes.find((node) => node.name === 'Delete') as IDataObject & { parameters: IDataObject };
	expect(remove.type).toBe(`${PACKAGE}.streamVideo`);
	remove.parameters.deleteMode = 'soft';
	remove.parameters.options = {
		...(remove.parameters.options as IDataObject),
		rerunOfInterruptedRun: "={{ $('Erasure list').first().json.body.rerun === true }}",
	};
	// The example signs its deletes: the worker reads the receipt key too.
	remove.credentials = {
		streamVideoApi: { id: bench.credentials.stream.id, name: bench.credentials.stream.name },
		erasureReceiptKeyApi: { id: bench.credentials.receiptKey.id, name: bench.credentials.receiptKey.name },
	};
	// The example's own connections between the nodes used, and the list in front of the first.
	const connections: IDataObject = {
		'Erasure list': { main: [[{ node: 'One item per call', type: 'main', index: 0 }]] },
		'One item per call': { main: [[{ node: rename(used[0]), type: 'main', index: 0 }]] },
	};
	const exampleConnections = example.connections as Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	for (const name of used) {
		const outputs = exampleConnections[name]?.main.map((targets) =>
			targets.filter((target) => used.includes(target.node)).map((target) => ({ ...target, node: rename(target.node) })),
		);
		if (outputs?.some((targets) => targets.length > 0)) connections[rename(name)] = { main: outputs };
	}
	const workflow = {
		name: `Crash ${webhookPath}`,
		nodes: [
			{
				id: 'list',
				name: 'Erasure list',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: webhookPath,
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'items',
				name: 'One item per call',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: "return $json.body.callIds.map((callId) => ({ json: { callType: 'default', callId } }));" },
			},
			...nodes,
		],
		connections,
		settings,
	};
	useAuditTable(workflow, audit.dataTableId);
	const id = await bench.n8n.createWorkflow(workflow);
	await bench.n8n.activate(id);
	return id;
}

/** The IDs of a workflow's executions in main's own list, which also holds running ones. */
async function executionIds(workflowId: string): Promise<string[]> {
	const response = await bench.n8n.rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
	if (response.status !== 200) throw new Error(`GET /rest/executions → ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
	const results = ((response.body.data as IDataObject)?.results ?? []) as IDataObject[];
	return results.map((execution) => String(execution.id));
}

const execution = (id: string, data = false) => bench.n8n.api('GET', `/executions/${id}${data ? '?includeData=true' : ''}`);
const isTerminal = (status: unknown) => ['success', 'error', 'crashed', 'canceled'].includes(String(status));

/** Audit records of the Delete node in an execution's saved data (what saveExecutionProgress kept). */
async function savedRecords(id: string): Promise<number> {
	const saved = await execution(id, true);
	const runs = (((saved.data as IDataObject)?.resultData as IDataObject)?.runData as IDataObject)?.Delete as
		| Array<{ data?: { main: Array<Array<{ json: IDataObject }> | null> } }>
		| undefined;
	return (runs ?? []).reduce((sum, run) => sum + (run.data?.main[0] ?? []).filter((item) => item.json.outcome === 'deleted').length, 0);
}

const auditRows = () => dataTableRows(bench.n8n, audit) as Promise<IDataObject[]>;

const deletedCalls = (prefix: string) =>
	(bench.emulator.stream.listCalls as () => IDataObject[])().filter((call) => call.deleted && String(call.id).startsWith(prefix)).length;

test('a worker killed mid-bulk: every call ends deleted, and every erasure has its evidence in the audit data table', async () => {
	const prefix = 'crash-';
	const callIds = Array.from({ length: CALLS }, (_, index) => `${prefix}${String(index).padStart(3, '0')}`);
	bench.emulator.stream.seedCalls(callIds.map((id) => ({ type: 'default', id, created_at: daysAgo(41), ended_at: daysAgo(40) })) as never);
	const webhookPath = `crash-${Date.now()}`;
	const workflowId = await createListWorkflow(webhookPath, {
		settings: { ...example.settings, ...(SAVE_PROGRESS ? { saveExecutionProgress: true } : {}) },
	});

	const sent = await callWebhook(bench, webhookPath, { callIds });
	expect(sent.status).toBe(200);
	const [killedId] = await until(
		() => executionIds(workflowId),
		(ids) => ids.length === 1,
		'the execution on main',
		60_000,
	);

	// SIGKILL once the third page is on its way. An execution that ends first, or never deletes, is a failure to show.
	const progress = await until(
		async () => ({
			deleted: deletedCalls(prefix),
			status: deletedCalls(prefix) >= KILL_AFTER ? 'running' : (await execution(killedId)).status,
		}),
		(seen) => seen.deleted >= KILL_AFTER || isTerminal(seen.status),
		`${KILL_AFTER} deletes`,
		120_000,
		20,
	).catch((error: Error) => ({ deleted: deletedCalls(prefix), status: error.message }));
	if (progress.deleted < KILL_AFTER) {
		throw new Error(
			[
				`no kill: ${progress.deleted} deletes, execution ${killedId}: ${JSON.stringify(await execution(killedId, true)).slice(0, 3000)}`,
				`worker log:\n${workers[0].logs().slice(-3000)}`,
				`main log:\n${bench.n8n.logs().slice(-2000)}`,
			].join('\n'),
		);
	}
	await workers[0].kill();
	const killedAt = Date.now();
	// Requests already received by the emulator complete; nothing new can come from a dead worker.
	await sleep(500);
	const deletesBeforeKill = deletedCalls(prefix);
	expect(deletesBeforeKill).toBeLessThan(CALLS);
	const progressAfterKill = await savedRecords(killedId);

	// Recovery, step 1: a new worker.
	workers.push(await startWorker({ tarball, env: queueEnv }));
	const workerReadyMs = Date.now() - killedAt;
	const marked = await until(
		() => execution(killedId),
		(found) => isTerminal(found.status),
		'n8n to end the killed execution',
		300_000,
		500,
	);
	const markedMs = Date.now() - killedAt;
	const redelivered = workers[1].logs().includes(`Worker started execution ${killedId} `);
	const progressAfterMark = await savedRecords(killedId);
	const deletesWhenMarked = deletedCalls(prefix);

	// Recovery, step 2: the same list again, as a re-run of an interrupted run.
	const rerunStarted = Date.now();
	expect((await callWebhook(bench, webhookPath, { callIds, rerun: true })).status).toBe(200);
	const ids = await until(
		() => executionIds(workflowId),
		(found) => found.length === 2,
		'the re-run on main',
		60_000,
	);
	const rerunId = ids.find((id) => id !== killedId) as string;
	const rerun = await until(
		() => execution(rerunId),
		(found) => isTerminal(found.status),
		'the re-run to finish',
		300_000,
		500,
	);
	expect(rerun.status).toBe('success');
	const recoveredMs = Date.now() - killedAt;
	const rerunMs = Date.now() - rerunStarted;
	await bench.n8n.deactivate(workflowId);

	// Every call ends deleted.
	expect(deletedCalls(prefix)).toBe(CALLS);

	// The evidence, where the README says it is: the audit data table.
	const rows = (await auditRows()).filter((row) => String(row.cid).startsWith(`default:${prefix}`));
	const rowsOf = (id: string) => rows.filter((row) => String(row.executionId) === id);
	const deletedBy = (id: string) =>
		new Set(
			rowsOf(id)
				.filter((row) => row.outcome === 'deleted')
				.map((row) => String(row.cid)),
		);
	const killedDeleted = deletedBy(killedId);
	const rerunDeleted = deletedBy(rerunId);
	const noted = new Set(
		rowsOf(rerunId)
			.filter((row) => row.outcome === 'not_found' && row.note === INTERRUPTED_RUN_NOTE)
			.map((row) => String(row.cid)),
	);
	// No call is recorded as deleted twice, and none is missing.
	expect(rows.filter((row) => row.outcome === 'deleted')).toHaveLength(killedDeleted.size + rerunDeleted.size);
	for (const cid of killedDeleted) expect(rerunDeleted.has(cid)).toBe(false);
	const withoutRecord = callIds
		.map((id) => `default:${id}`)
		.filter((cid) => !killedDeleted.has(cid) && !rerunDeleted.has(cid) && !noted.has(cid));
	expect(withoutRecord).toEqual([]);
	// What the killed run erased: its own lines for the pages it finished, the re-run's note for the page it was in.
	const erasedByKilledRun = CALLS - rerunDeleted.size;
	const lostPage = [...noted].filter((cid) => !killedDeleted.has(cid));
	expect(killedDeleted.size + lostPage.length).toBe(erasedByKilledRun);
	expect(erasedByKilledRun).toBeGreaterThanOrEqual(deletesBeforeKill);
	if (!redelivered) {
		expect(erasedByKilledRun).toBe(deletesBeforeKill);
		expect(lostPage.length).toBeLessThanOrEqual(PAGE);
	}
	// The page the killed run was in is on record as "requested" by it, before any of those calls was deleted.
	const requestedByKilledRun = new Set(
		rowsOf(killedId)
			.filter((row) => row.outcome === 'requested')
			.map((row) => String(row.cid)),
	);
	expect(lostPage.filter((cid) => !requestedByKilledRun.has(cid))).toEqual([]);
	// The re-run's not-found items all carry the note (the killed run's recorded ones included).
	expect(rowsOf(rerunId).filter((row) => row.outcome === 'not_found' && row.note !== INTERRUPTED_RUN_NOTE)).toEqual([]);

	const seconds = (ms: number) => (ms / 1000).toFixed(1);
	process.stdout.write(
		[
			`[worker-crash] n8n ${N8N_VERSION}, queue mode: ${CALLS} Stream soft deletes in pages of ${PAGE}, ${DELETE_LIMIT_PER_MINUTE}/min`,
			`  deletes before the kill: ${deletesBeforeKill} (SIGKILL at ${deletesBeforeKill} of ${CALLS})`,
			`  n8n's saved execution data (saveExecutionProgress ${SAVE_PROGRESS ? 'on' : 'off'}): ${progressAfterKill} delete records right after the kill, ${progressAfterMark} once n8n ended the execution`,
			`  new worker ready after ${seconds(workerReadyMs)} s; n8n marked the execution "${marked.status}" ${seconds(markedMs)} s after the kill; re-delivered to the new worker: ${redelivered ? 'yes' : 'no'}; deletes by then: ${deletesWhenMarked}`,
			`  re-run: ${seconds(rerunMs)} s; recovery (kill → all ${CALLS} deleted and recorded): ${seconds(recoveredMs)} s`,
			`  evidence of the killed run's ${erasedByKilledRun} erasures: ${killedDeleted.size} audit lines of its own + ${lostPage.length} re-run lines "${INTERRUPTED_RUN_NOTE}" = ${killedDeleted.size + lostPage.length}; the ${lostPage.length} also have a "requested" line of the killed run`,
			`  re-run deleted ${rerunDeleted.size}; ${rows.length} audit lines in all`,
			'',
		].join('\n'),
	);
});

test('what the page shape costs: one delete of every item against pages of 50, with and without saved progress', async () => {
	// An endpoint with no practical limit and 20 ms latency, so that the shape's own cost shows.
	const CALLS_TIMED = 1000;
	bench.emulator.stream.configure({ rateLimits: { deleteCall: 1_000_000 } } as never);
	bench.emulator.configure({ latencyMs: { stream: 20 } } as never);
	const shapes = [
		{ name: 'one delete, audit lines at the end', paged: false, settings: { executionOrder: 'v1' } },
		{ name: 'pages of 50, requested and audit lines per page', paged: true, settings: { executionOrder: 'v1' } },
		{
			name: 'pages of 50, requested and audit lines per page, saveExecutionProgress',
			paged: true,
			settings: { executionOrder: 'v1', saveExecutionProgress: true },
		},
	];
	const lines: string[] = [];
	for (const [index, shape] of shapes.entries()) {
		const prefix = `cost-${index}-`;
		const callIds = Array.from({ length: CALLS_TIMED }, (_, item) => `${prefix}${item}`);
		bench.emulator.stream.seedCalls(
			callIds.map((id) => ({ type: 'default', id, created_at: daysAgo(41), ended_at: daysAgo(40) })) as never,
		);
		const webhookPath = `cost-${index}-${Date.now()}`;
		const workflowId = await createListWorkflow(webhookPath, shape);
		expect((await callWebhook(bench, webhookPath, { callIds })).status).toBe(200);
		const [id] = await until(
			() => executionIds(workflowId),
			(ids) => ids.length === 1,
			'the execution on main',
			60_000,
		);
		const done = await until(
			() => execution(id),
			(found) => isTerminal(found.status),
			`${shape.name} to finish`,
			300_000,
			250,
		);
		await bench.n8n.deactivate(workflowId);
		expect(done.status).toBe('success');
		expect(deletedCalls(prefix)).toBe(CALLS_TIMED);
		const ms = Date.parse(String(done.stoppedAt)) - Date.parse(String(done.startedAt));
		lines.push(`  ${shape.name}: ${(ms / 1000).toFixed(1)} s`);
	}
	bench.emulator.configure({ latencyMs: { stream: 0 } } as never);
	process.stdout.write(
		[`[worker-crash] n8n ${N8N_VERSION}, queue mode: ${CALLS_TIMED} Stream soft deletes, execution time`, ...lines, ''].join('\n'),
	);
});
