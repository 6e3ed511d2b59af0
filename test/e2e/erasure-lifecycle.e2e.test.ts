/**
 * An erasure request followed to its end in a real n8n (issue 28): examples/erasure-request.json answers the CRM at
 * once and keeps one row per call in the erasure_requests data table; examples/erasure-completion.json, run from the
 * editor as its schedule would run it, follows the Stream tasks, deletes a failed one again, and confirms each
 * finished request to a CRM stand-in once, with every record and receipt and an Idempotency-Key. n8n is restarted
 * between the two workflows.
 */
import type { IDataObject } from 'n8n-workflow';

import { startCrmStandIn, type CrmStandIn } from '../../dev/crm-stand-in';
import { until } from '../../dev/executions';
import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importExamples, ensureWebhookCredential, postWebhook, ensureDataTable, dataTableRows, REQUESTS_TABLE } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_VERSION } = require('../../dev/n8n-runtime');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readN8nStore, scanN8nStore } = require('../../dev/n8n-store');

jest.setTimeout(600_000);

/** The CRM stand-in: records every callback POSTed to it, with its headers and when it arrived. */
let crm: CrmStandIn;
let callbacks: CrmStandIn['callbacks'];

let bench: RealN8n;
let webhookAuth: Record<string, string>;
let requestTable: { projectId: string; dataTableId: string };
let completionId: string;

beforeAll(async () => {
	crm = await startCrmStandIn();
	callbacks = crm.callbacks;

	// n8n 1.x must be given a pool of SQLite connections for these examples (2.x has one by default): with its default
	// single connection, executions writing a data table at once can lose rows (docs/erasure-lifecycle.md, "n8n 1.x").
	bench = await bootRealN8n({ DB_SQLITE_POOL_SIZE: '3' });
	const webhook = (await ensureWebhookCredential(bench.n8n)) as { id: string; type: string; header: string; value: string };
	webhookAuth = { [webhook.header]: webhook.value };
	const idByType = Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id]));
	const imported = (await importExamples(bench.n8n, { ...idByType, [webhook.type]: webhook.id })) as Array<{ id: string; file: string }>;
	requestTable = await ensureDataTable(bench.n8n, REQUESTS_TABLE);
	completionId = imported.find((workflow) => workflow.file === 'erasure-completion.json')!.id;
	// The owner sets the CRM's callback URL once, in the workflow's Settings node.
	const workflow = await bench.n8n.api('GET', `/workflows/${completionId}`);
	const nodes = workflow.nodes as Array<{ name: string; parameters: { assignments: { assignments: IDataObject[] } } }>;
	const settings = nodes.find((node) => node.name === 'Settings')!;
	settings.parameters.assignments.assignments.find((assignment) => assignment.name === 'callbackUrl')!.value = crm.url;
	await bench.n8n.api('PUT', `/workflows/${completionId}`, {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all', saveManualExecutions: true },
	});
});
afterAll(async () => {
	await bench?.close();
	await crm?.close();
});

const erasureRequest = async (body: unknown) => {
	const started = Date.now();
	const response = (await postWebhook(bench.n8n.baseUrl, 'erasure-request', body, webhookAuth)) as { status: number; body: IDataObject };
	return { ...response, ms: Date.now() - started };
};

/** The data table's rows, read through n8n's REST API as the Data tables page reads them. */
const rows = () => dataTableRows(bench.n8n, requestTable) as Promise<IDataObject[]>;

type RunData = Record<string, Array<{ data?: { main: Array<Array<{ json: IDataObject }> | null> } }>>;

/** Runs the completion workflow as the editor's "Execute workflow" button does, and waits until it has finished. */
async function runCompletion(): Promise<{ status: string; runData: RunData; error?: unknown }> {
	const started = await bench.n8n.rest('POST', `/workflows/${completionId}/run`, { triggerToStartFrom: { name: 'Every 5 minutes' } });
	const executionId = (started.body?.data as IDataObject)?.executionId;
	if (!executionId) throw new Error(`manual run did not start: ${JSON.stringify(started.body)}`);
	const execution = await until(
		() => bench.n8n.api('GET', `/executions/${executionId}?includeData=true`),
		(candidate) => candidate.finished === true || Boolean(candidate.stoppedAt),
		`completion run ${executionId}`,
		{ timeoutMs: 180_000, intervalMs: 300, describe: (candidate) => String(candidate.status) },
	);
	const resultData = (execution.data as IDataObject)?.resultData as IDataObject;
	const error = resultData?.error as IDataObject | undefined;
	return {
		status: String(execution.status),
		runData: (resultData?.runData ?? {}) as RunData,
		...(error ? { error: { message: error.message, description: error.description, node: (error.node as IDataObject)?.name } } : {}),
	};
}
const outputOf = (runData: RunData, node: string) => (runData[node]?.[0]?.data?.main[0] ?? []).map((item) => item.json);

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

test('erasure lifecycle: accepted at once, completed later, confirmed to the CRM once per request across a restart', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		{ type: 'default', id: 'lc-a1', recordings: [{ filename: 'lc-a1.mp4' }] },
		// Its first hard delete starts a task that fails; the second one succeeds.
		{ type: 'default', id: 'lc-b1', hardDeleteFailures: 1 },
		{ type: 'default', id: 'lc-c1' },
		{ type: 'default', id: 'lc-d1' },
	] as never);
	emulator.husky.seedCalls([
		{ call_id: 'call_lc_a', status: 'completed' },
		{ call_id: 'call_lc_c', status: 'completed' },
	] as never);

	// Three requests, each answered "accepted" at once with its started records.
	const sentAt: Record<string, number> = {};
	const answers: Record<string, { status: number; body: IDataObject; ms: number }> = {};
	const send = async (requestId: string, body: IDataObject) => {
		sentAt[requestId] ??= Date.now();
		answers[requestId] = await erasureRequest({ requestId, ...body });
		return answers[requestId];
	};
	await send('lc-A', { streamCalls: [{ type: 'default', id: 'lc-a1' }], huskyCallIds: ['call_lc_a'] });
	await send('lc-B', { streamCalls: [{ id: 'lc-b1' }] });
	const firstC = await send('lc-C', { streamCalls: [{ id: 'lc-c1' }], huskyCallIds: ['call_lc_c'] });
	for (const requestId of ['lc-A', 'lc-B', 'lc-C']) {
		expect(answers[requestId].status).toBe(202);
		expect(answers[requestId].body).toMatchObject({ accepted: true, requestId, redelivered: false });
	}
	const recordsA = answers['lc-A'].body.records as IDataObject[];
	expect(recordsA.map((record) => [record.provider, record.callId, record.status])).toEqual([
		['streamVideo', 'lc-a1', 'pending'],
		['huskyVoice', 'call_lc_a', 'deleted'],
	]);
	expect(recordsA[0].taskId).toEqual(expect.any(String));
	// due by: the same date next month (Art. 12(3) as the EDPB reads it).
	const received = new Date(String(recordsA[0].receivedAt));
	const nextMonth = new Date(Date.UTC(received.getUTCFullYear(), received.getUTCMonth() + 1, 1));
	const lastDay = new Date(Date.UTC(nextMonth.getUTCFullYear(), nextMonth.getUTCMonth() + 1, 0)).getUTCDate();
	nextMonth.setUTCDate(Math.min(received.getUTCDate(), lastDay));
	expect(recordsA[0].dueBy).toBe(nextMonth.toISOString().slice(0, 10));
	expect(verifyReceipts(recordsA, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });

	// The CRM re-delivers lc-C: nothing is started again, the answer shows the same records, no row is added.
	const deletesBefore = emulator.log.entries().filter((entry) => entry.method === 'DELETE' || /\/delete$/.test(entry.path)).length;
	const againC = await send('lc-C', { streamCalls: [{ id: 'lc-c1' }], huskyCallIds: ['call_lc_c'] });
	expect(againC.status).toBe(202);
	expect(againC.body).toMatchObject({ accepted: true, requestId: 'lc-C', redelivered: true });
	const pick = (records: IDataObject[]) => records.map((record) => [record.provider, record.callId, record.taskId, record.status]);
	expect(pick(againC.body.records as IDataObject[]).sort()).toEqual(pick(firstC.body.records as IDataObject[]).sort());
	expect(emulator.log.entries().filter((entry) => entry.method === 'DELETE' || /\/delete$/.test(entry.path)).length).toBe(deletesBefore);

	// A request the controller received 26 days ago whose hard delete is still running: due in a few days.
	emulator.stream.configure({ taskRunningMs: 30 * 86_400_000 } as never);
	const near = await send('lc-D', { receivedAt: daysAgo(26), streamCalls: [{ id: 'lc-d1' }] });
	emulator.stream.configure({ taskRunningMs: 700 } as never);
	expect(near.status).toBe(202);

	// One row per call, none twice.
	const before = await rows();
	expect(before.map((row) => `${row.erasureRequestId} ${row.provider} ${row.callId}`).sort()).toEqual([
		'lc-A huskyVoice call_lc_a',
		'lc-A streamVideo lc-a1',
		'lc-B streamVideo lc-b1',
		'lc-C huskyVoice call_lc_c',
		'lc-C streamVideo lc-c1',
		'lc-D streamVideo lc-d1',
	]);

	// n8n stops and starts between the two workflows: the rows are in n8n's database, nothing is lost.
	await bench.n8n.restart();
	expect((await rows()).map((row) => row.id).sort()).toEqual(before.map((row) => row.id).sort());

	// The completion workflow runs (as its schedule would) until the three requests are confirmed.
	const confirmed = (candidate: IDataObject[]) =>
		['lc-A', 'lc-B', 'lc-C'].every((requestId) =>
			candidate.filter((row) => row.erasureRequestId === requestId).every((row) => Boolean(row.confirmedAt)),
		);
	let runs = 0;
	let last: { status: string; runData: RunData } | undefined;
	const reports: IDataObject[] = [];
	await until(
		async () => {
			last = await runCompletion();
			runs++;
			expect(last.status).toBe('success');
			reports.push(...outputOf(last.runData, 'Report: replace with your notification'));
			if (process.env.LIFECYCLE_DEBUG)
				process.stdout.write(
					`run ${runs}: ${JSON.stringify(Object.fromEntries(Object.entries(last.runData).map(([node, nodeRuns]) => [node, nodeRuns.map((run) => run.data?.main.map((items) => (items ?? []).map((item) => item.json)))])))}\n`,
				);
			return rows();
		},
		confirmed,
		'requests lc-A, lc-B and lc-C confirmed',
		{
			timeoutMs: 120_000,
			intervalMs: 500,
			describe: (candidate) =>
				JSON.stringify(candidate.map((row) => [row.erasureRequestId, row.status, row.taskId, row.deleteAttempts, row.error, row.confirmedAt])),
		},
	);

	// Each request's callback arrived once, with its Idempotency-Key, every record and every receipt.
	const byRequest = (requestId: string) => callbacks.filter((callback) => callback.body.requestId === requestId);
	for (const requestId of ['lc-A', 'lc-B', 'lc-C']) expect(byRequest(requestId)).toHaveLength(1);
	expect(byRequest('lc-D')).toHaveLength(0);
	const keys = verifyingKeysFrom(bench.receiptPublicKeyPem);
	const expected: Record<string, string[]> = {
		'lc-A': ['huskyVoice call_lc_a deleted 1', 'streamVideo lc-a1 completed 1'],
		'lc-B': ['streamVideo lc-b1 completed 2'],
		'lc-C': ['huskyVoice call_lc_c deleted 1', 'streamVideo lc-c1 completed 1'],
	};
	for (const [requestId, lines] of Object.entries(expected)) {
		const [callback] = byRequest(requestId);
		expect(callback.headers['idempotency-key']).toBe(requestId);
		expect(callback.body).toMatchObject({ requestId, complete: true });
		const records = callback.body.records;
		expect(records.map((record) => `${record.provider} ${record.callId} ${record.status} ${record.deleteAttempts}`).sort()).toEqual(lines);
		// The delete receipts: each node run of the request's deletes, whole, each record as signed.
		expect(verifyReceipts(records, keys, 'columns')).toMatchObject({ ok: true });
		// The completion receipts: each Stream task's signed status, as the record shows it (a Task Get run covers
		// the tasks of several requests, so one callback holds part of that run).
		const completions = records
			.filter((record) => record.provider === 'streamVideo')
			.map((record) => ({ taskId: record.taskId, status: record.status, receipt: record.completionReceipt as IDataObject }));
		const report = verifyReceipts(completions, keys, 'columns');
		expect(report.items.map((item) => [item.valid, item.problems])).toEqual(completions.map(() => [true, []]));
	}
	// lc-B: its first task failed, so it was hard-deleted again; the erasure finished with the second.
	const callB = emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined;
	expect(callB('default', 'lc-b1')?.deleted).toBe(true);

	// The request due in a few days was reported (in the run that saw it open), and stays unconfirmed.
	expect(reports).toEqual(expect.arrayContaining([expect.objectContaining({ report: 'near_due_date', requestId: 'lc-D' })]));
	expect((await rows()).filter((row) => row.erasureRequestId === 'lc-D').every((row) => !row.confirmedAt)).toBe(true);

	// Running the completion again sends no second callback.
	const callbacksBefore = callbacks.length;
	const again = await runCompletion();
	expect(again.status).toBe('success');
	expect(callbacks.length).toBe(callbacksBefore);

	const requestMs = Object.fromEntries(Object.entries(answers).map(([requestId, answer]) => [requestId, answer.ms]));
	const toCallback = Object.fromEntries(
		['lc-A', 'lc-B', 'lc-C'].map((requestId) => [requestId, byRequest(requestId)[0].at - sentAt[requestId]]),
	);
	process.stdout.write(
		`\n[erasure lifecycle, n8n ${N8N_VERSION}] webhook answers (ms): ${JSON.stringify(requestMs)}; completion runs: ${runs}; ` +
			`request → confirmed callback (ms, includes the n8n restart): ${JSON.stringify(toCallback)}; ` +
			`callbacks per request: ${JSON.stringify(Object.fromEntries(['lc-A', 'lc-B', 'lc-C', 'lc-D'].map((id) => [id, byRequest(id).length])))}\n`,
	);
});

test('erasure lifecycle: a CRM that refuses the callback gets the same one again, with the same Idempotency-Key, until it takes it; meanwhile a request near its due date is reported', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'call_lc_e', status: 'completed' }] as never);
	// Received 26 days ago: due in a few days, so a callback the CRM does not take is reported.
	const accepted = await erasureRequest({ requestId: 'lc-E', receivedAt: daysAgo(26), huskyCallIds: ['call_lc_e'] });
	expect(accepted.status).toBe(202);
	expect((accepted.body.records as IDataObject[]).map((record) => record.status)).toEqual(['deleted']);
	const forE = () => callbacks.filter((callback) => callback.body.requestId === 'lc-E');

	const reportedE = (run: { runData: RunData }) =>
		outputOf(run.runData, 'Report: replace with your notification').filter((item) => item.requestId === 'lc-E');
	crm.refuseNext = 1;
	const refusedRun = await runCompletion();
	expect(refusedRun.status).toBe('success');
	expect(forE()).toHaveLength(1);
	expect(reportedE(refusedRun)).toEqual([expect.objectContaining({ report: 'near_due_date', callbackPending: true, openCalls: [] })]);
	expect((await rows()).filter((row) => row.erasureRequestId === 'lc-E').map((row) => row.confirmedAt)).toEqual([null]);

	const takenRun = await runCompletion();
	expect(takenRun.status).toBe('success');
	expect(reportedE(takenRun)).toEqual([]);
	expect(forE()).toHaveLength(2);
	const [refused, taken] = forE();
	expect([refused.headers['idempotency-key'], taken.headers['idempotency-key']]).toEqual(['lc-E', 'lc-E']);
	expect(taken.body).toEqual(refused.body);
	expect(verifyReceipts(taken.body.records, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });
	expect((await rows()).filter((row) => row.erasureRequestId === 'lc-E').every((row) => Boolean(row.confirmedAt))).toBe(true);

	expect((await runCompletion()).status).toBe('success');
	expect(forE()).toHaveLength(2);
});

test('two completion runs at once (a run longer than the schedule, a backlog after an outage): the CRM gets one callback', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'call_lc_j', status: 'completed' }] as never);
	expect((await erasureRequest({ requestId: 'lc-J', huskyCallIds: ['call_lc_j'] })).status).toBe(202);
	// The CRM takes 2 s to answer: both runs find the request finished and unconfirmed before either marks it.
	crm.answerAfterMs = 2000;
	try {
		const both = await Promise.all([runCompletion(), runCompletion()]);
		expect(both.map((run) => [run.status, run.error])).toEqual([
			['success', undefined],
			['success', undefined],
		]);
		const sentBy = both.map((run) => outputOf(run.runData, 'Confirm to the CRM').filter((item) => item.received).length);
		expect(sentBy.reduce((sum, sent) => sum + sent, 0)).toBe(1);
	} finally {
		crm.answerAfterMs = 0;
	}
	expect(callbacks.filter((callback) => callback.body.requestId === 'lc-J')).toHaveLength(1);
	const [row] = (await rows()).filter((candidate) => candidate.erasureRequestId === 'lc-J');
	expect(row.confirmedAt).toEqual(expect.any(String));
	// A later run sends nothing more.
	expect((await runCompletion()).status).toBe('success');
	expect(callbacks.filter((callback) => callback.body.requestId === 'lc-J')).toHaveLength(1);
});

test('erasure request: no credential, a receivedAt in the future, no calls, a malformed body: refused, nothing erased, no row written', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'call_lc_guarded', status: 'completed' }] as never);
	const rowsBefore = (await rows()).length;
	const valid = { requestId: 'lc-F', huskyCallIds: ['call_lc_guarded'] };
	const refusals: Array<[string, unknown, Record<string, string>, number]> = [
		['no credential', valid, { 'content-type': 'application/json' }, 403],
		['a wrong credential', valid, { Authorization: 'Bearer not-the-secret' }, 403],
		['receivedAt in the future', { ...valid, receivedAt: new Date(Date.now() + 86_400_000).toISOString() }, webhookAuth, 400],
		['receivedAt not a time', { ...valid, receivedAt: 'yesterday' }, webhookAuth, 400],
		['no calls', { requestId: 'lc-F', streamCalls: [], huskyCallIds: [] }, webhookAuth, 422],
		['26 calls', { requestId: 'lc-F', huskyCallIds: Array.from({ length: 26 }, (_, index) => `call_${index}`) }, webhookAuth, 413],
		['no requestId', { huskyCallIds: ['call_lc_guarded'] }, webhookAuth, 400],
		['a Stream call without id', { requestId: 'lc-F', streamCalls: [{ type: 'default' }] }, webhookAuth, 400],
	];
	for (const [what, body, headers, status] of refusals) {
		const response = (await postWebhook(bench.n8n.baseUrl, 'erasure-request', body, headers)) as { status: number };
		expect({ what, status: response.status }).toEqual({ what, status });
	}
	expect((bench.emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_guarded')).toBeDefined();
	expect((await rows()).length).toBe(rowsBefore);
});

test('residue: neither workflow leaves the personal data of the erased calls in n8n\'s store or logs (the table holds IDs, states, times, receipts)', async () => {
	const PERSON = {
		displayName: 'Lifecycle Displayname Quillon',
		customField: 'lifecycle-custom-field-7731',
		huskyContactName: 'Lifecycle Contact Marlowe',
		huskyContactPhone: '+15550199364',
	};
	const stream = bench.emulator.stream as unknown as Record<string, (value: IDataObject[]) => void>;
	stream.seedUsers([{ id: 'lc-person-g', name: PERSON.displayName, custom: { note: PERSON.customField } }]);
	stream.seedCalls([
		{ type: 'default', id: 'lc-g1', ended_at: daysAgo(1), created_by_user_id: 'lc-person-g', members: ['lc-person-g'], custom: { crm: PERSON.customField } },
	]);
	(bench.emulator.husky as unknown as Record<string, (value: IDataObject[]) => void>).seedCalls([
		{ call_id: 'call_lc_g', status: 'completed', contact_name: PERSON.huskyContactName, contact_number: PERSON.huskyContactPhone },
	]);
	// By the person's user ID: the search's answers (members, custom data) pass through the request workflow too.
	expect((await erasureRequest({ requestId: 'lc-G', streamUserId: 'lc-person-g', huskyCallIds: ['call_lc_g'] })).status).toBe(202);
	const [callbackG] = await until(
		async () => {
			expect((await runCompletion()).status).toBe('success');
			return callbacks.filter((callback) => callback.body.requestId === 'lc-G');
		},
		(found) => found.length === 1,
		'the callback for lc-G',
		{ timeoutMs: 120_000, intervalMs: 500 },
	);
	expect(callbackG.body.records.map((record) => `${record.callId} ${record.status}`).sort()).toEqual(['call_lc_g deleted', 'lc-g1 completed']);
	const scan = scanN8nStore(readN8nStore(bench.n8n.userFolder), bench.n8n.logs(), Object.values(PERSON)) as { hits: unknown[]; total: number };
	expect(scan.hits).toEqual([]);
	expect(scan.total).toBe(0);
});

test('due by: the same date next month, or the last day of a shorter month, counted from receivedAt', async () => {
	bench.emulator.husky.seedCalls([
		{ call_id: 'call_lc_h', status: 'completed' },
		{ call_id: 'call_lc_i', status: 'completed' },
	] as never);
	const jan31 = await erasureRequest({ requestId: 'lc-H', receivedAt: '2026-01-31T22:15:00Z', huskyCallIds: ['call_lc_h'] });
	expect(jan31.status).toBe(202);
	expect(jan31.body).toMatchObject({ dueBy: '2026-02-28', records: [{ receivedAt: '2026-01-31T22:15:00.000Z', dueBy: '2026-02-28' }] });
	const leap = await erasureRequest({ requestId: 'lc-I', receivedAt: '2024-01-31T08:00:00Z', huskyCallIds: ['call_lc_i'] });
	expect(leap.body).toMatchObject({ dueBy: '2024-02-29' });
});

test('erasure request by streamUserId: the calls the person was a member of or created, once each and once with the listed ones, started; a live call left out with its row; a re-delivery searches nothing', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		{ type: 'default', id: 'lc-p-member', ended_at: daysAgo(40), members: ['lc-person-p', 'agent-1'] },
		// Created by the person, who is not a member of it.
		{ type: 'default', id: 'lc-p-created', ended_at: daysAgo(3), created_by_user_id: 'lc-person-p', members: ['agent-1'] },
		// Member and creator: found by both searches, one row.
		{ type: 'default', id: 'lc-p-both', ended_at: daysAgo(2), created_by_user_id: 'lc-person-p', members: ['lc-person-p'] },
		// Also listed in streamCalls: one row.
		{ type: 'audio_room', id: 'lc-p-listed', ended_at: daysAgo(1), members: ['lc-person-p'] },
		// Everyone left without ending it: not live, erased.
		{ type: 'default', id: 'lc-p-open', ended_at: null, members: ['lc-person-p'] },
		// People in it right now: not deleted (that would end it), its row says so.
		{ type: 'default', id: 'lc-p-live', ended_at: null, members: ['lc-person-p'], participants: ['lc-person-p'] },
		{ type: 'default', id: 'lc-p-other', ended_at: daysAgo(1), created_by_user_id: 'agent-1', members: ['agent-1'] },
	] as never);
	emulator.husky.seedCalls([{ call_id: 'call_lc_p', status: 'completed' }] as never);
	const request = {
		requestId: 'lc-P',
		streamUserId: 'lc-person-p',
		streamCalls: [{ type: 'audio_room', id: 'lc-p-listed' }, { id: 'lc-p-member' }],
		huskyCallIds: ['call_lc_p'],
	};
	const answer = await erasureRequest(request);
	expect(answer.status).toBe(202);
	expect(answer.body).toMatchObject({ accepted: true, requestId: 'lc-P', redelivered: false });
	const records = answer.body.records as IDataObject[];
	const line = (record: IDataObject) => `${record.provider} ${record.callType ?? '-'} ${record.callId} ${record.status}`;
	const expected = [
		'huskyVoice - call_lc_p deleted',
		'streamVideo audio_room lc-p-listed pending',
		'streamVideo default lc-p-both pending',
		'streamVideo default lc-p-created pending',
		'streamVideo default lc-p-live live_left_out',
		'streamVideo default lc-p-member pending',
		'streamVideo default lc-p-open pending',
	];
	expect(records.map(line).sort()).toEqual(expected);
	for (const record of records.filter((entry) => entry.status === 'pending')) {
		expect(record).toMatchObject({ taskId: expect.any(String), deleteAttempts: 1 });
		expect(record.finishedAt).toBeUndefined();
	}
	const live = records.find((record) => record.callId === 'lc-p-live')!;
	expect(live.taskId).toBeUndefined();
	expect(live.receipt).toBeUndefined();
	expect(live).toMatchObject({ deleteAttempts: 0, finishedAt: expect.any(String), error: expect.stringMatching(/live.*left out/) });
	// The deletes' receipts: each node run whole in the answer (a live call has no delete, so no receipt).
	expect(verifyReceipts(records.filter((record) => record.status !== 'live_left_out'), verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });

	const getCall = emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined;
	for (const [type, id] of [['audio_room', 'lc-p-listed'], ['default', 'lc-p-member'], ['default', 'lc-p-created'], ['default', 'lc-p-both'], ['default', 'lc-p-open']]) {
		expect({ id, deleted: getCall(type, id)?.deleted }).toEqual({ id, deleted: true });
	}
	for (const id of ['lc-p-live', 'lc-p-other']) expect({ id, deleted: getCall('default', id)?.deleted }).toEqual({ id, deleted: false });
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_p')).toBeUndefined();
	// One hard delete per call, none twice.
	const deletes = emulator.log.entries().filter((entry) => /\/lc-p-[a-z]+\/delete$/.test(entry.path));
	expect(deletes.map((entry) => entry.path).sort()).toEqual(
		['audio_room/lc-p-listed', 'default/lc-p-both', 'default/lc-p-created', 'default/lc-p-member', 'default/lc-p-open'].map((cid) => `/stream/api/v2/video/call/${cid}/delete`),
	);

	const table = (await rows()).filter((row) => row.erasureRequestId === 'lc-P');
	expect(table.map(line).sort()).toEqual(expected);
	expect(table.find((row) => row.callId === 'lc-p-live')).toMatchObject({ taskId: null, receipt: null, deleteAttempts: 0 });

	// Re-delivered: the rows answer, Stream is neither searched nor asked to delete.
	const logged = emulator.log.entries().length;
	const again = await erasureRequest(request);
	expect(again.status).toBe(202);
	expect(again.body).toMatchObject({ accepted: true, requestId: 'lc-P', redelivered: true });
	expect((again.body.records as IDataObject[]).map(line).sort()).toEqual(expected);
	expect(emulator.log.entries().slice(logged).filter((entry) => entry.provider === 'stream' || /\/video\//.test(entry.path))).toEqual([]);
	expect((await rows()).filter((row) => row.erasureRequestId === 'lc-P')).toHaveLength(expected.length);

	// Completion: once the tasks finish, the CRM hears that the request is not complete (a call was left out), and the
	// left-out call is reported.
	const reports: IDataObject[] = [];
	const [callback] = await until(
		async () => {
			const run = await runCompletion();
			expect(run.status).toBe('success');
			reports.push(...outputOf(run.runData, 'Report: replace with your notification'));
			return callbacks.filter((candidate) => candidate.body.requestId === 'lc-P');
		},
		(found) => found.length === 1,
		'the callback for lc-P',
		{ timeoutMs: 120_000, intervalMs: 500 },
	);
	expect(callback.body.complete).toBe(false);
	expect(callback.body.records.map((record) => `${record.callId} ${record.status}`).sort()).toEqual([
		'call_lc_p deleted',
		'lc-p-both completed',
		'lc-p-created completed',
		'lc-p-listed completed',
		'lc-p-live live_left_out',
		'lc-p-member completed',
		'lc-p-open completed',
	]);
	expect(reports).toEqual(expect.arrayContaining([expect.objectContaining({ report: 'live_call_left_out', requestId: 'lc-P', callId: 'lc-p-live' })]));
});

test('erasure request by streamUserId: an invalid user ID (400), a person with more calls than one request erases (413) and a person with no calls (422) are refused; nothing erased, no row written', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls(
		Array.from({ length: 101 }, (_, index) => ({
			type: 'default',
			id: `lc-q-${String(index).padStart(3, '0')}`,
			members: ['lc-person-q'],
			created_by_user_id: index % 2 === 0 ? 'lc-person-q' : 'agent-1',
		})) as never,
	);
	emulator.husky.seedCalls([{ call_id: 'call_lc_q', status: 'completed' }] as never);
	const rowsBefore = (await rows()).length;
	const deletesBefore = emulator.log.entries().filter((entry) => /\/delete$/.test(entry.path) || entry.method === 'DELETE').length;
	const refusals: Array<[string, IDataObject, number, RegExp]> = [
		['an invalid streamUserId', { requestId: 'lc-Q1', streamUserId: 'not a user!', huskyCallIds: ['call_lc_q'] }, 400, /streamUserId must be a Stream user ID/],
		['a streamUserId that is not text', { requestId: 'lc-Q1', streamUserId: 42 }, 400, /streamUserId must be a Stream user ID/],
		['more calls than the bound', { requestId: 'lc-Q2', streamUserId: 'lc-person-q', huskyCallIds: ['call_lc_q'] }, 413, /lc-person-q has at least 101 calls.*at most 100.*nothing was erased.*bulk/],
		['a person with no calls and nothing else', { requestId: 'lc-Q3', streamUserId: 'lc-nobody' }, 422, /lc-nobody has no calls/],
	];
	for (const [what, body, status, error] of refusals) {
		const response = await erasureRequest(body);
		expect({ what, status: response.status }).toEqual({ what, status });
		expect({ what, error: response.body.error }).toEqual({ what, error: expect.stringMatching(error) });
	}
	expect((emulator.stream.listCalls as () => IDataObject[])().filter((call) => String(call.id).startsWith('lc-q-') && call.deleted)).toEqual([]);
	expect(emulator.log.entries().filter((entry) => /\/delete$/.test(entry.path) || entry.method === 'DELETE').length).toBe(deletesBefore);
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_q')).toBeDefined();
	expect((await rows()).length).toBe(rowsBefore);

	// A person with no Stream calls, with HuskyVoice calls: accepted, those erased.
	const husky = await erasureRequest({ requestId: 'lc-Q4', streamUserId: 'lc-nobody', huskyCallIds: ['call_lc_q'] });
	expect(husky.status).toBe(202);
	expect((husky.body.records as IDataObject[]).map((record) => `${record.provider} ${record.callId} ${record.status}`)).toEqual(['huskyVoice call_lc_q deleted']);
});

test('erasure request by streamUserId: a Stream search that fails refuses the request (502); nothing erased, no row written', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([{ type: 'default', id: 'lc-r1', members: ['lc-person-r'] }] as never);
	emulator.husky.seedCalls([{ call_id: 'call_lc_r', status: 'completed' }] as never);
	const rowsBefore = (await rows()).length;
	emulator.faults.add({ provider: 'stream', method: 'POST', path: '/video/calls$', type: 'status', status: 403 });
	try {
		const response = await erasureRequest({ requestId: 'lc-R', streamUserId: 'lc-person-r', huskyCallIds: ['call_lc_r'] });
		expect(response.status).toBe(502);
		expect(response.body.error).toMatch(/could not be searched.*nothing was erased/);
	} finally {
		emulator.faults.clear();
	}
	expect((emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', 'lc-r1')?.deleted).toBe(false);
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_r')).toBeDefined();
	expect((await rows()).length).toBe(rowsBefore);
});

test('erasure request: rows that cannot be written: 503 with the records of the erasures started and their receipts, no partial rows left; sent again, it starts over', async () => {
	const { projectId, dataTableId } = requestTable;
	bench.emulator.husky.seedCalls([
		{ call_id: 'call_lc_k1', status: 'completed' },
		{ call_id: 'call_lc_k2', status: 'completed' },
	] as never);
	// The table loses a column the rows need (say, someone removed it in the Data tables page): every write fails.
	const columns = await bench.n8n.rest('GET', `/projects/${projectId}/data-tables/${dataTableId}/columns`);
	const column = ((columns.body.data ?? []) as IDataObject[]).find((candidate) => candidate.name === 'completionReceipt');
	expect(column).toBeDefined();
	expect((await bench.n8n.rest('DELETE', `/projects/${projectId}/data-tables/${dataTableId}/columns/${column!.id}`)).status).toBe(200);
	try {
		const refused = await erasureRequest({ requestId: 'lc-K', huskyCallIds: ['call_lc_k1', 'call_lc_k2'] });
		expect(refused.status).toBe(503);
		expect(refused.body).toMatchObject({ accepted: false, requestId: 'lc-K', error: expect.stringMatching(/could not be recorded.*Send the request again/s) });
		// The erasures happened: the answer is their record, receipts included.
		const records = refused.body.records as IDataObject[];
		expect(records.map((record) => `${record.callId} ${record.status}`)).toEqual(['call_lc_k1 deleted', 'call_lc_k2 deleted']);
		expect(verifyReceipts(records, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });
		expect((bench.emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_k1')).toBeUndefined();
		expect((await rows()).filter((row) => row.erasureRequestId === 'lc-K')).toEqual([]);
	} finally {
		await ensureDataTable(bench.n8n, REQUESTS_TABLE);
	}
	// Sent again once the table is whole: it starts over; the calls are already gone, and say so.
	const again = await erasureRequest({ requestId: 'lc-K', huskyCallIds: ['call_lc_k1', 'call_lc_k2'] });
	expect(again.status).toBe(202);
	expect(again.body).toMatchObject({ accepted: true, redelivered: false });
	expect((again.body.records as IDataObject[]).map((record) => `${record.callId} ${record.status}`)).toEqual([
		'call_lc_k1 not_found',
		'call_lc_k2 not_found',
	]);
	expect((await rows()).filter((row) => row.erasureRequestId === 'lc-K')).toHaveLength(2);
});

test('six requests at the same moment (a CRM sending a burst): each answered 202, each with its row', async () => {
	const ids = Array.from({ length: 6 }, (_, index) => `call_lc_burst${index}`);
	bench.emulator.husky.seedCalls(ids.map((call_id) => ({ call_id, status: 'completed' })) as never);
	const answers = await Promise.all(ids.map((callId, index) => erasureRequest({ requestId: `lc-burst-${index}`, huskyCallIds: [callId] })));
	expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 202));
	const kept = (await rows()).filter((row) => String(row.erasureRequestId).startsWith('lc-burst-'));
	expect(kept.map((row) => `${row.erasureRequestId} ${row.callId} ${row.status}`).sort()).toEqual(
		ids.map((callId, index) => `lc-burst-${index} ${callId} deleted`),
	);
});

// Last in this file: it removes the column every row is found by, and the rows written before lose it.
test('erasure request: a data table it cannot read: 503, nothing erased, nothing written', async () => {
	const { projectId, dataTableId } = requestTable;
	bench.emulator.husky.seedCalls([{ call_id: 'call_lc_l', status: 'completed' }] as never);
	const columns = await bench.n8n.rest('GET', `/projects/${projectId}/data-tables/${dataTableId}/columns`);
	const column = ((columns.body.data ?? []) as IDataObject[]).find((candidate) => candidate.name === 'erasureRequestId');
	expect((await bench.n8n.rest('DELETE', `/projects/${projectId}/data-tables/${dataTableId}/columns/${column!.id}`)).status).toBe(200);
	const rowsBefore = (await rows()).length;
	const deletesBefore = bench.emulator.log.entries().filter((entry) => entry.method === 'DELETE' || /\/delete$/.test(entry.path)).length;
	try {
		const refused = await erasureRequest({ requestId: 'lc-L', huskyCallIds: ['call_lc_l'] });
		expect(refused.status).toBe(503);
		expect(refused.body).toMatchObject({ accepted: false, error: expect.stringMatching(/could not be read.*nothing was started/s) });
		expect((bench.emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_lc_l')).toBeDefined();
		expect(bench.emulator.log.entries().filter((entry) => entry.method === 'DELETE' || /\/delete$/.test(entry.path)).length).toBe(deletesBefore);
		expect((await rows()).length).toBe(rowsBefore);
	} finally {
		await ensureDataTable(bench.n8n, REQUESTS_TABLE);
	}
});
