/**
 * The erasure lifecycle in queue mode (issue 28): examples/erasure-request.json and examples/erasure-completion.json
 * as shipped, on n8n main + workers with PostgreSQL and Redis, the package installed from its tarball. The completion
 * workflow is active on its Schedule Trigger (every 10 seconds here instead of 5 minutes, so the test does not wait
 * minutes), and its worker is killed with SIGKILL twice:
 * 1. while a completion run is looking up the Stream tasks (before any callback): no row is lost, and each request's
 *    callback arrives once, although the schedule's runs queued up meanwhile run at once on the new worker;
 * 2. while the CRM holds a callback open (after the POST, before "Mark request confirmed"): the CRM gets that callback
 *    once more, after the hold lapses, with the same Idempotency-Key and the same body; nothing else is sent twice.
 *
 * Waits are on real conditions: the emulator's and the CRM stand-in's own records, the data table's rows, and the
 * completion workflow's finished executions (this test's copy saves them).
 */
import type { IDataObject } from 'n8n-workflow';

import { startCrmStandIn, type CrmStandIn } from '../../dev/crm-stand-in';
import { until } from '../../dev/executions';
import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';
import { startPostgres, startRedis, type Service, queueEnvFor } from './services';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startWorker, packPackage } = require('../../dev/n8n-instance');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importExamples, ensureWebhookCredential, postWebhook, ensureDataTable, dataTableRows, REQUESTS_TABLE } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_VERSION } = require('../../dev/n8n-runtime');

jest.setTimeout(900_000);

type Worker = { logs(): string; stop(): Promise<void>; kill(): Promise<void> };

/** The hold a completion run takes on a callback it sends (Settings → callbackHoldMinutes): 30 s here, 10 min shipped. */
const HOLD_MINUTES = 0.5;
const EVERY_SECONDS = 10;

/** The CRM: its `holdOpen` keeps a callback open without an answer (a CRM slow to answer). */
let crm: CrmStandIn;

let postgres: Service;
let redis: Service;
let bench: RealN8n;
let tarball: string;
let queueEnv: Record<string, string>;
const workers: Worker[] = [];
let webhookAuth: Record<string, string>;
let requestTable: { projectId: string; dataTableId: string };
let completionId: string;

beforeAll(async () => {
	crm = await startCrmStandIn();

	postgres = await startPostgres('n8n');
	redis = await startRedis();
	queueEnv = queueEnvFor(postgres, redis);
	bench = await bootRealN8n(queueEnv);
	tarball = packPackage();
	workers.push(await startWorker({ tarball, env: queueEnv }));

	const webhook = (await ensureWebhookCredential(bench.n8n)) as { id: string; type: string; header: string; value: string };
	webhookAuth = { [webhook.header]: webhook.value };
	const idByType = Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id]));
	const imported = (await importExamples(bench.n8n, { ...idByType, [webhook.type]: webhook.id })) as Array<{ id: string; file: string }>;
	requestTable = await ensureDataTable(bench.n8n, REQUESTS_TABLE);
	completionId = imported.find((workflow) => workflow.file === 'erasure-completion.json')!.id;

	// The owner sets the callback URL; this test also shortens the schedule and the hold, and keeps the executions.
	const workflow = await bench.n8n.api('GET', `/workflows/${completionId}`);
	const nodes = workflow.nodes as Array<{ name: string; parameters: IDataObject }>;
	const settings = nodes.find((node) => node.name === 'Settings')!.parameters as { assignments: { assignments: IDataObject[] } };
	const assign = (name: string, value: string | number) => (settings.assignments.assignments.find((entry) => entry.name === name)!.value = value);
	assign('callbackUrl', crm.url);
	assign('callbackHoldMinutes', HOLD_MINUTES);
	nodes.find((node) => node.name === 'Every 5 minutes')!.parameters.rule = {
		interval: [{ field: 'seconds', secondsInterval: EVERY_SECONDS }],
	};
	await bench.n8n.api('PUT', `/workflows/${completionId}`, {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all', saveManualExecutions: true },
	});
	await bench.n8n.activate(completionId);
});

afterAll(async () => {
	for (const worker of workers) await worker.stop();
	await bench?.close();
	await redis?.stop();
	await postgres?.stop();
	await crm?.close();
});

const erasureRequest = (body: unknown) =>
	postWebhook(bench.n8n.baseUrl, 'erasure-request', body, webhookAuth) as Promise<{ status: number; body: IDataObject }>;

const rows = () => dataTableRows(bench.n8n, requestTable) as Promise<IDataObject[]>;
const rowsOf = async (requestId: string) => (await rows()).filter((row) => row.erasureRequestId === requestId);
const callbacksFor = (requestId: string) => crm.callbacksFor(requestId);

/** Finished executions of the completion workflow that started after `since` (n8n's own record of its runs). */
async function completionRunsSince(since: number): Promise<IDataObject[]> {
	const listed = (await bench.n8n.api('GET', `/executions?workflowId=${completionId}&limit=250`)) as { data?: IDataObject[] };
	return (listed.data ?? []).filter((execution) => Boolean(execution.stoppedAt) && Date.parse(String(execution.startedAt)) > since);
}

async function killWorker(): Promise<{ killedAt: number }> {
	await workers[workers.length - 1].kill();
	return { killedAt: Date.now() };
}

test('a worker killed while the completion run looks up the tasks: no row lost, each request confirmed with one callback', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		{ type: 'default', id: 'qc-a1' },
		{ type: 'default', id: 'qc-a2' },
		// Its first hard delete's task fails: the completion deletes it again.
		{ type: 'default', id: 'qc-b1', hardDeleteFailures: 1 },
	] as never);
	emulator.husky.seedCalls([{ call_id: 'call_qc_a', status: 'completed' }] as never);
	// Tasks still run when the first completion runs come; every task look-up takes 3 s (the kill comes in there).
	emulator.stream.configure({ taskRunningMs: 15_000 } as never);
	let lookUps = 0;
	/** Set once both requests are in: the next task look-up to begin is where the worker dies. */
	let armed = false;
	let lookUpStarted: () => void = () => undefined;
	const firstLookUp = new Promise<void>((resolve) => (lookUpStarted = resolve));
	emulator.faults.add({
		provider: 'stream',
		method: 'GET',
		path: '/tasks/',
		type: 'latency',
		latencyMs: 3000,
		onMatch: () => {
			lookUps++;
			if (armed) lookUpStarted();
		},
	} as never);

	for (const [requestId, body] of [
		['qc-A', { streamCalls: [{ id: 'qc-a1' }, { id: 'qc-a2' }], huskyCallIds: ['call_qc_a'] }],
		['qc-B', { streamCalls: [{ id: 'qc-b1' }] }],
	] as const) {
		const answer = await erasureRequest({ requestId, ...body });
		expect({ requestId, status: answer.status }).toEqual({ requestId, status: 202 });
	}
	const before = await rows();
	expect(before.map((row) => `${row.erasureRequestId} ${row.callId} ${row.status}`).sort()).toEqual([
		'qc-A call_qc_a deleted',
		'qc-A qc-a1 pending',
		'qc-A qc-a2 pending',
		'qc-B qc-b1 pending',
	]);

	// The tasks finish; the next completion run looks them up, and its worker is killed in the middle.
	emulator.stream.configure({ taskRunningMs: 700 } as never);
	armed = true;
	await firstLookUp;
	const { killedAt } = await killWorker();
	const callbacksAtKill = crm.callbacks.length;
	const lookUpsAtKill = lookUps;

	// Recovery: a new worker. Meanwhile the schedule went on; its runs wait in the queue.
	workers.push(await startWorker({ tarball, env: queueEnv }));
	const workerReadyMs = Date.now() - killedAt;
	await until(
		() => rows(),
		(candidate) => candidate.filter((row) => row.erasureRequestId === 'qc-A' || row.erasureRequestId === 'qc-B').every((row) => row.confirmedAt),
		'qc-A and qc-B confirmed',
		{
			timeoutMs: 300_000,
			intervalMs: 500,
			describe: (candidate) => JSON.stringify(candidate.map((row) => [row.erasureRequestId, row.callId, row.status, row.deleteAttempts, row.confirmedAt])),
		},
	);
	const confirmedAt = Date.now();
	// Two more completion runs start and finish after both are confirmed: neither sends anything again.
	await until(() => completionRunsSince(confirmedAt), (runs) => runs.length >= 2, 'two completion runs after the confirmation', {
		timeoutMs: 120_000,
		intervalMs: 1000,
		describe: (runs) => JSON.stringify(runs.map((run) => [run.id, run.status, run.startedAt])),
	});

	// No row lost, none added; every call erased.
	const after = await rows();
	expect(after.map((row) => row.id).sort()).toEqual(before.map((row) => row.id).sort());
	expect(after.map((row) => `${row.erasureRequestId} ${row.callId} ${row.status}`).sort()).toEqual([
		'qc-A call_qc_a deleted',
		'qc-A qc-a1 completed',
		'qc-A qc-a2 completed',
		'qc-B qc-b1 completed',
	]);
	for (const id of ['qc-a1', 'qc-a2', 'qc-b1']) expect((emulator.stream.getCall as (type: string, id: string) => IDataObject)('default', id)?.deleted).toBe(true);
	expect(callbacksAtKill).toBe(0);
	// One callback per request, with its key, every record and every receipt.
	const keys = verifyingKeysFrom(bench.receiptPublicKeyPem);
	for (const requestId of ['qc-A', 'qc-B']) {
		const received = callbacksFor(requestId);
		expect({ requestId, callbacks: received.length }).toEqual({ requestId, callbacks: 1 });
		expect(received[0].headers['idempotency-key']).toBe(requestId);
		expect(received[0].body.complete).toBe(true);
		expect(received[0].body.records).toHaveLength(requestId === 'qc-A' ? 3 : 1);
		expect(verifyReceipts(received[0].body.records, keys, 'columns')).toMatchObject({ ok: true });
	}
	const killedRuns = workers[workers.length - 1].logs().match(/Worker started execution \d+/g) ?? [];
	process.stdout.write(
		`\n[lifecycle crash 1, n8n ${N8N_VERSION}, queue mode] kill during a task look-up (${lookUpsAtKill} look-up(s) begun); ` +
			`new worker ready ${(workerReadyMs / 1000).toFixed(1)} s after the kill; it started ${killedRuns.length} execution(s) until the end; ` +
			`kill → both requests confirmed: ${((confirmedAt - killedAt) / 1000).toFixed(1)} s; qc-B hard deletes: ${after.find((row) => row.callId === 'qc-b1')?.deleteAttempts}; ` +
			`callbacks: qc-A ${callbacksFor('qc-A').length}, qc-B ${callbacksFor('qc-B').length}\n`,
	);
	emulator.faults.clear();
});

test('a worker killed while the CRM holds the callback open: the CRM gets it again once the hold lapses, same Idempotency-Key, same body, and once only', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'call_qc_c', status: 'completed' }] as never);
	crm.holdOpen.add('qc-C');
	const answer = await erasureRequest({ requestId: 'qc-C', huskyCallIds: ['call_qc_c'] });
	expect(answer.status).toBe(202);

	// The next completion run holds the request and POSTs; the CRM keeps that POST open; the worker dies.
	await until(async () => callbacksFor('qc-C'), (found) => found.length === 1, 'the first callback for qc-C', { timeoutMs: 120_000 });
	const [held] = await rowsOf('qc-C');
	const holdEnds = Date.parse(String(held.callbackNotBefore));
	expect(held.callbackBy).toEqual(expect.any(String));
	expect(held.confirmedAt).toBeNull();
	const { killedAt } = await killWorker();
	crm.dropOpen();

	workers.push(await startWorker({ tarball, env: queueEnv }));
	const workerReadyMs = Date.now() - killedAt;
	const [confirmed] = await until(() => rowsOf('qc-C'), (found) => Boolean(found[0]?.confirmedAt), 'qc-C confirmed', {
		timeoutMs: 300_000,
		intervalMs: 500,
	});
	const confirmedAt = Date.now();
	await until(() => completionRunsSince(confirmedAt), (runs) => runs.length >= 2, 'two completion runs after the confirmation', {
		timeoutMs: 120_000,
		intervalMs: 1000,
	});

	const received = callbacksFor('qc-C');
	expect(received).toHaveLength(2);
	const [first, second] = received;
	expect([first.headers['idempotency-key'], second.headers['idempotency-key']]).toEqual(['qc-C', 'qc-C']);
	expect(second.text).toBe(first.text);
	// Not before the first run's hold lapsed: the runs queued behind the dead worker did not send it meanwhile.
	expect(second.at).toBeGreaterThanOrEqual(holdEnds);
	expect(verifyReceipts(second.body.records, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });
	process.stdout.write(
		`\n[lifecycle crash 2, n8n ${N8N_VERSION}, queue mode] kill while the CRM held the callback; new worker ready ${(workerReadyMs / 1000).toFixed(1)} s after the kill; ` +
			`the same callback again ${((second.at - first.at) / 1000).toFixed(1)} s after the first (hold ${HOLD_MINUTES * 60} s), same key and body; ` +
			`sent again by ${confirmed.callbackBy === held.callbackBy ? 'the killed execution, re-delivered by the queue' : 'a later scheduled run'}; qc-C callbacks: ${received.length}\n`,
	);
});
