/**
 * The example workflows in examples/, imported into a real n8n the way `npm start` imports them, and run
 * against the emulators: the CRM erasure chain and erase-person through their webhooks (with the credential
 * `npm start` creates, and without it), the nightly cleanup and the "erasure complete" trigger through the
 * editor's own manual-run endpoint.
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
import { daysAgo, type LogEntry } from '../../dev/emulators/client';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importExamples, ensureWebhookCredential, postWebhook } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_VERSION } = require('../../dev/n8n-runtime');

jest.setTimeout(300_000);

let bench: RealN8n;
let workflows: Array<{ id: string; name: string; file: string }>;
let webhookAuth: Record<string, string>;

beforeAll(async () => {
	bench = await bootRealN8n();
	const webhook = (await ensureWebhookCredential(bench.n8n)) as { id: string; type: string; header: string; value: string };
	webhookAuth = { [webhook.header]: webhook.value };
	const idByType = Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id]));
	workflows = await importExamples(bench.n8n, { ...idByType, [webhook.type]: webhook.id });
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

/** POSTs to an example's webhook, with the right credential unless other headers are given. */
const erasureRequest = (path: string, body: unknown, headers: Record<string, string> = webhookAuth) =>
	postWebhook(bench.n8n.baseUrl, path, body, headers) as Promise<{ status: number; body: unknown }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const example = (file: string) => {
	const found = workflows.find((workflow) => workflow.file === file);
	if (!found) throw new Error(`example ${file} was not imported`);
	return found;
};

type RunData = Record<string, Array<{ data?: { main: Array<Array<{ json: IDataObject }> | null> } }>>;

/** Runs a workflow from the given trigger as the editor's "Execute workflow" button does, and waits for it. */
async function runFromEditor(workflowId: string, trigger: string): Promise<{ status: string; runData: RunData }> {
	const started = await bench.n8n.rest('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: trigger } });
	const executionId = (started.body?.data as IDataObject)?.executionId;
	if (!executionId) throw new Error(`manual run did not start: ${JSON.stringify(started.body)}`);
	const deadline = Date.now() + 120_000;
	for (;;) {
		const execution = await bench.n8n.api('GET', `/executions/${executionId}?includeData=true`);
		if (execution.finished || ['success', 'error', 'crashed'].includes(String(execution.status)) || Date.now() > deadline) {
			const resultData = (execution.data as IDataObject)?.resultData as IDataObject;
			return { status: String(execution.status), runData: (resultData?.runData ?? {}) as RunData };
		}
		await sleep(300);
	}
}
const outputOf = (runData: RunData, node: string, output = 0) => (runData[node]?.[0]?.data?.main[output] ?? []).map((item) => item.json);

test('CRM erasure chain: one audit record per call across the three providers, returned to the CRM', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([{ type: 'default', id: 'subject-call', ended_at: daysAgo(3) }] as never);
	emulator.graph.seedCalls([{ id: '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4' }] as never);
	emulator.husky.seedCalls([
		{ call_id: 'call_subject', status: 'completed' },
		{ call_id: 'call_pending', status: 'queued' },
	] as never);
	const response = await erasureRequest('gdpr-erasure', {
		requestId: 'gdpr-42',
		streamCalls: [{ type: 'default', id: 'subject-call' }],
		graphCalls: ['2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4'],
		huskyCalls: ['call_subject', 'call_pending'],
	});
	expect(response.status).toBe(200);
	const records = response.body as IDataObject[];
	expect(records.map((record) => [record.provider, record.callId, record.outcome])).toEqual([
		['streamVideo', 'subject-call', 'deleted'],
		['microsoftGraph', '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4', 'deleted'],
		['huskyVoice', 'call_subject', 'deleted'],
		['huskyVoice', 'call_pending', 'error'],
	]);
	for (const record of records) expect(record.erasureRequestId).toBe('gdpr-42');
	// Every record the CRM receives carries its signed receipt; what the answer shows agrees with what was signed.
	expect(verifyReceipts(records, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });
	expect(records[0].taskStatus).toBe('completed');
	expect(String(records[3].error)).toMatch(/call_pending is queued, not completed/);
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'subject-call')?.deleted).toBeTruthy();
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_subject')).toBeUndefined();

	// The CRM re-sends the same request: the same records come back, the erased calls now "not_found".
	const again = await erasureRequest('gdpr-erasure', {
		requestId: 'gdpr-42',
		attempt: 2,
		streamCalls: [
			{ type: 'default', id: 'subject-call' },
			{ type: 'default', id: '../x' },
		],
		graphCalls: ['2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4'],
		huskyCalls: ['call_subject', 'call_pending'],
	});
	expect((again.body as IDataObject[]).map((record) => [record.provider, record.callId, record.outcome])).toEqual([
		['streamVideo', 'subject-call', 'not_found'],
		['streamVideo', '../x', 'error'],
		['microsoftGraph', '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4', 'not_found'],
		['huskyVoice', 'call_subject', 'not_found'],
		['huskyVoice', 'call_pending', 'error'],
	]);
	// attempt 2: the deletes ran with Re-Run of an Interrupted Run, so each not_found record says it was possibly erased then.
	for (const record of (again.body as IDataObject[]).filter((entry) => entry.outcome === 'not_found')) {
		expect(record.note).toMatch(/possibly erased by an interrupted earlier run/);
	}
});

test('erase a person: every Stream call they were in or created, of any age, once each, and their HuskyVoice calls, verified; live calls counted and left', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		{
			type: 'default',
			id: 'p-old',
			created_at: daysAgo(400),
			ended_at: daysAgo(400),
			members: ['person-7', 'agent-1'],
			recordings: [{ filename: 'p-old.mp4' }],
		},
		{ type: 'default', id: 'p-left-open', created_at: daysAgo(2), ended_at: null, members: ['person-7'] },
		// Created by the person, who is not a member of it.
		{ type: 'default', id: 'p-created', created_by_user_id: 'person-7', members: ['agent-1'] },
		// Member and creator: found by both searches, erased once.
		{ type: 'default', id: 'p-both', created_by_user_id: 'person-7', members: ['person-7'] },
		// Live right now: left alone and counted.
		{ type: 'default', id: 'p-live', ended_at: null, members: ['person-7'], participants: ['person-7'] },
		{ type: 'default', id: 'p-live-created', ended_at: null, created_by_user_id: 'person-7', participants: ['agent-1'] },
		{ type: 'default', id: 'not-theirs', members: ['agent-1'] },
	] as never);
	emulator.husky.seedCalls([
		{ call_id: 'call_p1', status: 'completed' },
		{ call_id: 'call_p2', status: 'in_progress' },
	] as never);
	const getCall = emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined;
	const request = { requestId: 'dsr-7', streamUserId: 'person-7', huskyCallIds: ['call_p1', 'call_p2'] };
	const first = await erasureRequest('erase-person', request);
	expect(first.status).toBe(200);
	const answer = first.body as { summary: IDataObject; records: IDataObject[]; complete: boolean; leftOut: IDataObject };
	expect(answer.records.map((record) => `${record.provider} ${record.callId} ${record.outcome}`).sort()).toEqual([
		'huskyVoice call_p1 deleted',
		'huskyVoice call_p2 error',
		'streamVideo p-both deleted',
		'streamVideo p-created deleted',
		'streamVideo p-left-open deleted',
		'streamVideo p-old deleted',
	]);
	expect(answer).toMatchObject({
		requestId: 'dsr-7',
		streamUserId: 'person-7',
		summary: { erased: 5, alreadyGone: 0, failed: 1, liveLeftOut: 2 },
		complete: false,
		leftOut: { liveCalls: ['default:p-live', 'default:p-live-created'], moreCalls: false },
	});
	const byCall = Object.fromEntries(answer.records.map((record) => [record.callId, record]));
	// Signed: every record's receipt verifies, and the answer names each node run's head once.
	expect(verifyReceipts(answer.records, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({ ok: true });
	expect((answer as unknown as { receiptHeads: string[] }).receiptHeads).toHaveLength(2);
	for (const callId of ['p-old', 'p-left-open', 'p-created', 'p-both']) {
		expect(byCall[callId]).toMatchObject({ provider: 'streamVideo', outcome: 'deleted', taskStatus: 'completed', verified: true });
	}
	expect(answer.records.filter((record) => record.callId === 'p-both')).toHaveLength(1);
	expect(byCall.call_p1).toMatchObject({ provider: 'huskyVoice', outcome: 'deleted', verified: true });
	expect(byCall.call_p2).toMatchObject({ provider: 'huskyVoice', outcome: 'error', error: expect.stringMatching(/in_progress/) });
	for (const callId of ['not-theirs', 'p-live', 'p-live-created']) {
		expect(byCall[callId]).toBeUndefined();
		expect(getCall('default', callId)?.deleted).toBe(false);
	}

	// Re-delivered: Stream no longer lists the erased calls; HuskyVoice reports the erased call as already gone.
	const second = await erasureRequest('erase-person', request);
	expect((second.body as { summary: IDataObject }).summary).toEqual({ erased: 0, alreadyGone: 1, failed: 1, liveLeftOut: 2 });
});

test('erase a person: at most 25 Stream calls per request; the answer says more are left, and the next request erases them', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls(
		Array.from({ length: 27 }, (_, index) => ({
			type: 'default',
			id: `many-${String(index).padStart(2, '0')}`,
			members: ['person-9'],
			created_by_user_id: index % 2 === 0 ? 'person-9' : 'agent-1',
		})) as never,
	);
	const request = { requestId: 'dsr-9', streamUserId: 'person-9' };
	const first = await erasureRequest('erase-person', request);
	expect(first.status).toBe(200);
	expect(first.body).toMatchObject({ summary: { erased: 25, failed: 0, liveLeftOut: 0 }, complete: false, leftOut: { moreCalls: true } });
	const second = await erasureRequest('erase-person', request);
	expect(second.body).toMatchObject({ summary: { erased: 2, failed: 0, liveLeftOut: 0 }, complete: true, leftOut: { moreCalls: false } });
	const left = (emulator.stream.listCalls as () => IDataObject[])().filter((call) => !call.deleted);
	expect(left).toEqual([]);
});

/** A request the webhook must refuse, and the answer it must get. */
interface Refusal {
	what: string;
	body: unknown;
	headers?: Record<string, string>;
	status: number;
	/** Refused by n8n itself before the workflow runs (the Webhook node's authentication, n8n's body parser). */
	byN8n?: boolean;
}

const NO_CREDENTIAL = { 'content-type': 'application/json' };
const WRONG_CREDENTIAL = () => ({ Authorization: 'Bearer not-the-secret' });
const tooMany = (count: number) => Array.from({ length: count }, (_, index) => `call_${index}`);
const refusalTable: string[] = [];

/** Requests that could delete: Stream's delete endpoints, Graph's and HuskyVoice's DELETE, HuskyVoice's webhook. */
const isDelete = (entry: LogEntry) => entry.method === 'DELETE' || /\/delete$/.test(entry.path) || entry.path.includes('/hooks/');

/** Sends each refused request; answers [status, emulator requests, deletes] per request, and checks them. */
async function refuseEach(path: string, refusals: Refusal[]) {
	for (const refusal of refusals) {
		bench.emulator.log.clear();
		const response = await erasureRequest(path, refusal.body, refusal.headers ?? webhookAuth);
		const entries = bench.emulator.log.entries();
		const deletes = entries.filter(isDelete).length;
		refusalTable.push(`| ${N8N_VERSION} | ${path} | ${refusal.what} | ${response.status} | ${entries.length} | ${deletes} |`);
		expect({ what: refusal.what, status: response.status, providerRequests: entries.length, deletes }).toEqual({
			what: refusal.what,
			status: refusal.status,
			providerRequests: 0,
			deletes: 0,
		});
		if (refusal.byN8n) expect(JSON.stringify(response.body)).not.toContain('records');
		else expect(response.body).toMatchObject({ accepted: false, status: refusal.status, error: expect.any(String) });
	}
}

afterAll(() => {
	if (refusalTable.length > 0) {
		process.stdout.write(
			[
				'',
				'| n8n | webhook | refused request | HTTP status | provider requests | deletes |',
				'|---|---|---|---|---|---|',
				...refusalTable,
				'',
			].join('\n'),
		);
	}
});

test('CRM erasure chain: no credential, a wrong one, no calls, too many, a malformed body: a 4xx and nothing erased; the right credential erases', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([{ type: 'default', id: 'guarded-call' }] as never);
	emulator.husky.seedCalls([{ call_id: 'call_guarded', status: 'completed' }] as never);
	const valid = { requestId: 'gdpr-7', streamCalls: [{ type: 'default', id: 'guarded-call' }], huskyCalls: ['call_guarded'] };
	await refuseEach('gdpr-erasure', [
		{ what: 'no credential', body: valid, headers: NO_CREDENTIAL, status: 403, byN8n: true },
		{ what: 'a wrong credential', body: valid, headers: WRONG_CREDENTIAL(), status: 403, byN8n: true },
		{
			what: 'the secret without "Bearer "',
			body: valid,
			headers: { Authorization: webhookAuth.Authorization.replace(/^Bearer /, '') },
			status: 403,
			byN8n: true,
		},
		{ what: 'empty lists', body: { requestId: 'gdpr-7', streamCalls: [], graphCalls: [], huskyCalls: [] }, status: 422 },
		{ what: 'no lists', body: { requestId: 'gdpr-7' }, status: 422 },
		{ what: '26 calls (bound 25)', body: { requestId: 'gdpr-7', huskyCalls: tooMany(26) }, status: 413 },
		{ what: 'not JSON', body: '{"requestId": "gdpr-7", "huskyCalls": ["call_guarded"', status: 422, byN8n: true },
		{ what: 'a JSON list, not an object', body: [valid], status: 400 },
		{ what: 'no requestId', body: { huskyCalls: ['call_guarded'] }, status: 400 },
		{ what: 'streamCalls not a list', body: { requestId: 'gdpr-7', streamCalls: 'guarded-call' }, status: 400 },
		{ what: 'a call ID that is not text', body: { requestId: 'gdpr-7', huskyCalls: [42] }, status: 400 },
		{ what: 'a Stream call without id', body: { requestId: 'gdpr-7', streamCalls: [{ type: 'default' }] }, status: 400 },
		{ what: 'attempt not a number', body: { ...valid, attempt: 'again' }, status: 400 },
	]);
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'guarded-call')?.deleted).toBe(false);
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_guarded')).toBeDefined();

	bench.emulator.log.clear();
	// 25 calls, the bound: 1 on Stream, 24 on HuskyVoice (23 of them unknown there, so not_found).
	const allowed = await erasureRequest('gdpr-erasure', { ...valid, huskyCalls: tooMany(23).concat('call_guarded') });
	expect(allowed.status).toBe(200);
	expect(bench.emulator.log.entries().filter(isDelete).length).toBe(25);
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'guarded-call')?.deleted).toBeTruthy();
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_guarded')).toBeUndefined();
});

test('erase a person: no credential, a wrong one, no one named, too many, a malformed body: a 4xx and nothing erased; the right credential erases', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([{ type: 'default', id: 'guarded-call', members: ['person-8'] }] as never);
	emulator.husky.seedCalls([{ call_id: 'call_guarded', status: 'completed' }] as never);
	const valid = { requestId: 'dsr-8', streamUserId: 'person-8', huskyCallIds: ['call_guarded'] };
	await refuseEach('erase-person', [
		{ what: 'no credential', body: valid, headers: NO_CREDENTIAL, status: 403, byN8n: true },
		{ what: 'a wrong credential', body: valid, headers: WRONG_CREDENTIAL(), status: 403, byN8n: true },
		{ what: 'no streamUserId', body: { requestId: 'dsr-8', huskyCallIds: [] }, status: 422 },
		{ what: 'an empty streamUserId', body: { requestId: 'dsr-8', streamUserId: '', huskyCallIds: ['call_guarded'] }, status: 422 },
		{ what: '26 HuskyVoice calls (bound 25)', body: { ...valid, huskyCallIds: tooMany(26) }, status: 413 },
		{ what: 'not JSON', body: '{"requestId": "dsr-8", "streamUserId": ', status: 422, byN8n: true },
		{ what: 'a JSON list, not an object', body: [valid], status: 400 },
		{ what: 'no requestId', body: { streamUserId: 'person-8' }, status: 400 },
		{ what: 'an invalid user ID', body: { requestId: 'dsr-8', streamUserId: '../x' }, status: 400 },
		{ what: 'a user ID that is not text', body: { requestId: 'dsr-8', streamUserId: ['person-8'] }, status: 400 },
		{ what: 'huskyCallIds not a list', body: { ...valid, huskyCallIds: 'call_guarded' }, status: 400 },
	]);
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'guarded-call')?.deleted).toBe(false);
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_guarded')).toBeDefined();

	bench.emulator.log.clear();
	const allowed = await erasureRequest('erase-person', valid);
	expect(allowed.status).toBe(200);
	expect(allowed.body).toMatchObject({ summary: { erased: 2, alreadyGone: 0, failed: 0, liveLeftOut: 0 }, complete: true });
	expect(bench.emulator.log.entries().filter(isDelete).length).toBe(2);
});

test('nightly cleanup: hard-deletes calls older than 30 days, ended or left open, and never one in progress', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		...['old-1', 'old-2'].map((id) => ({ type: 'default', id, created_at: daysAgo(46), ended_at: daysAgo(45) })),
		// Everyone left without ending it: never "ended", still found.
		{ type: 'default', id: 'old-3', created_at: daysAgo(45), ended_at: null },
		{ type: 'default', id: 'recent', created_at: daysAgo(5), ended_at: daysAgo(5) },
		{ type: 'default', id: 'live', created_at: daysAgo(40), ended_at: null, participants: ['someone'] },
	] as never);
	const workflow = example('scheduled-bulk-cleanup.json');
	const run = await runFromEditor(workflow.id, 'Every night at 02:00');
	expect(run.status).toBe('success');
	const audit = outputOf(run.runData, 'Audit log');
	expect(audit.map((line) => [line.cid, line.outcome])).toEqual([
		['default:old-1', 'deleted'],
		['default:old-2', 'deleted'],
		['default:old-3', 'deleted'],
	]);
	for (const line of audit) expect(line.taskId).toEqual(expect.any(String));
	// The audit lines keep their receipts as text; the table checks out against the published key, line by line.
	expect(verifyReceipts(audit, verifyingKeysFrom(bench.receiptPublicKeyPem), 'columns')).toMatchObject({
		ok: true,
		batches: [{ complete: true }],
	});
	const remaining = (emulator.stream.listCalls as () => IDataObject[])()
		.filter((call) => !call.deleted)
		.map((call) => call.id);
	expect(remaining.sort()).toEqual(['live', 'recent']);
});

test('erasure complete: the trigger fires for finished tasks, completed ones are marked complete', async () => {
	bench.emulator.stream.seedTasks([
		{ taskId: 'task-demo-completed', status: 'completed' },
		{ taskId: 'task-demo-failed', status: 'failed' },
	] as never);
	const workflow = example('erasure-complete-trigger.json');
	const run = await runFromEditor(workflow.id, 'Stream Video Trigger');
	expect(run.status).toBe('success');
	expect(outputOf(run.runData, 'Mark erasure complete')).toEqual([
		expect.objectContaining({ taskId: 'task-demo-completed', erasureStatus: 'complete', erasedAt: expect.stringMatching(/^\d{4}-/) }),
	]);
	expect(outputOf(run.runData, 'Flag for follow-up')).toEqual([
		expect.objectContaining({ taskId: 'task-demo-failed', erasureStatus: 'failed' }),
	]);
});

test('AI agent erasure: imported with its chat login and a placeholder OpenAI credential, and left inactive (its chat is public)', async () => {
	const workflow = await bench.n8n.api('GET', `/workflows/${example('ai-agent-erasure.json').id}`);
	expect(workflow.active).toBe(false);
	const references = (workflow.nodes as Array<{ credentials?: Record<string, { id: string }> }>).flatMap((node) =>
		Object.entries(node.credentials ?? {}).map(([type, reference]) => [type, Boolean(reference.id)]),
	);
	expect(Object.fromEntries(references)).toEqual({ httpBasicAuth: true, openAiApi: true, streamVideoApi: true });
	const credentials = ((await bench.n8n.rest('GET', '/credentials')).body.data as IDataObject[]).map((credential) => credential.name);
	expect(credentials).toEqual(expect.arrayContaining(['Erasure chat login', 'OpenAI account (placeholder: scripted emulator)']));
});
