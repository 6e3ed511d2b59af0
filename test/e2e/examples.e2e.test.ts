/**
 * The example workflows in examples/, imported into a real n8n the way `npm start` imports them, and run
 * against the emulators: the CRM erasure chain through its webhook, the nightly cleanup and the
 * "erasure complete" trigger through the editor's own manual-run endpoint.
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, callWebhook, type RealN8n } from '../../dev/real-n8n';
import { daysAgo } from '../../dev/emulators/client';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importExamples } = require('../../dev/examples');

jest.setTimeout(300_000);

let bench: RealN8n;
let workflows: Array<{ id: string; name: string; file: string }>;

beforeAll(async () => {
	bench = await bootRealN8n();
	const idByType = Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id]));
	workflows = await importExamples(bench.n8n, idByType);
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

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
	const response = await callWebhook(bench, 'gdpr-erasure', {
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
	expect(records[0].taskStatus).toBe('completed');
	expect(String(records[3].error)).toMatch(/call_pending is queued, not completed/);
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'subject-call')?.deleted).toBeTruthy();
	expect((emulator.husky.getCall as (id: string) => IDataObject | undefined)('call_subject')).toBeUndefined();

	// The CRM re-sends the same request: the same records come back, the erased calls now "not_found".
	const again = await callWebhook(bench, 'gdpr-erasure', {
		requestId: 'gdpr-42',
		streamCalls: [{ type: 'default', id: 'subject-call' }, { type: 'default', id: '../x' }],
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
});

test('erase a person: every Stream call they were a member of, of any age, and their HuskyVoice calls, verified', async () => {
	const { emulator } = bench;
	emulator.stream.seedCalls([
		{ type: 'default', id: 'p-old', created_at: daysAgo(400), ended_at: daysAgo(400), members: ['person-7', 'agent-1'], recordings: [{ filename: 'p-old.mp4' }] },
		{ type: 'default', id: 'p-left-open', created_at: daysAgo(2), ended_at: null, members: ['person-7'] },
		{ type: 'default', id: 'not-theirs', members: ['agent-1'] },
	] as never);
	emulator.husky.seedCalls([
		{ call_id: 'call_p1', status: 'completed' },
		{ call_id: 'call_p2', status: 'in_progress' },
	] as never);
	const request = { requestId: 'dsr-7', streamUserId: 'person-7', huskyCallIds: ['call_p1', 'call_p2'] };
	const first = await callWebhook(bench, 'erase-person', request);
	expect(first.status).toBe(200);
	const answer = first.body as { summary: IDataObject; records: IDataObject[] };
	expect(answer).toMatchObject({ requestId: 'dsr-7', streamUserId: 'person-7', summary: { erased: 3, alreadyGone: 0, failed: 1 } });
	const byCall = Object.fromEntries(answer.records.map((record) => [record.callId, record]));
	for (const callId of ['p-old', 'p-left-open']) {
		expect(byCall[callId]).toMatchObject({ provider: 'streamVideo', outcome: 'deleted', taskStatus: 'completed', verified: true });
	}
	expect(byCall.call_p1).toMatchObject({ provider: 'huskyVoice', outcome: 'deleted', verified: true });
	expect(byCall.call_p2).toMatchObject({ provider: 'huskyVoice', outcome: 'error', error: expect.stringMatching(/in_progress/) });
	expect(byCall['not-theirs']).toBeUndefined();
	expect((emulator.stream.getCall as (t: string, id: string) => IDataObject | undefined)('default', 'not-theirs')?.deleted).toBe(false);

	// Re-delivered: Stream no longer lists the erased calls; HuskyVoice reports the erased call as already gone.
	const second = await callWebhook(bench, 'erase-person', request);
	expect((second.body as { summary: IDataObject }).summary).toEqual({ erased: 0, alreadyGone: 1, failed: 1 });

	// A person with no Stream calls, and an invalid user ID, still get one answer naming what failed.
	const invalid = await callWebhook(bench, 'erase-person', { requestId: 'dsr-8', streamUserId: '../x', huskyCallIds: [] });
	expect(invalid.body).toMatchObject({
		summary: { erased: 0, alreadyGone: 0, failed: 1 },
		records: [{ provider: 'streamVideo', callId: '../x', outcome: 'error' }],
	});
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
