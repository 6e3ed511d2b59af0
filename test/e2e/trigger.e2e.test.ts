/**
 * Stream Video Trigger in a real n8n (2.41.1, or 1.123.81 with N8N_VERSION=1.x): activated through the public API,
 * polled on activation, re-activated and restarted. Every finished task must start exactly one execution.
 *
 * No retries and no fixed sleeps stand in for a condition: each step waits for what it needs (a poll seen by the
 * emulator, the trigger's static data saved, executions finished; dev/executions.ts says why "finished").
 * The second test reproduces, every time, the race that once made the first one flaky.
 */
import type { IDataObject } from 'n8n-workflow';

import { callWebhook, bootRealN8n, PACKAGE, type RealN8n } from '../../dev/real-n8n';
import { isFinished, nodeItems, settledExecutions, summary, until } from '../../dev/executions';

jest.setTimeout(300_000);

const TRIGGER = 'Stream Video Trigger';
// A task that never finishes: every poll fetches it, so its look-ups in the emulator's log mark each poll.
const MARKER = 'task-marker';

let bench: RealN8n;

beforeAll(async () => {
	// One production execution at a time. The first test never runs two at once, so the limit changes nothing for it;
	// the second holds the only slot to show the trigger's execution listed before it runs.
	bench = await bootRealN8n({ N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' });
});
afterAll(async () => await bench?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Task ids emitted by one finished execution; an execution without the trigger's items fails the test. */
function emitted(execution: IDataObject): string[] {
	const resultData = (execution.data as IDataObject)?.resultData as IDataObject;
	// A poll that threw is saved as a failed execution without items: say what it threw.
	if (resultData?.error) throw new Error(`execution ${String(execution.id)} failed: ${JSON.stringify(resultData.error).slice(0, 2000)}`);
	const items = nodeItems(execution, TRIGGER);
	if (!items) throw new Error(`finished execution without trigger items: ${summary(execution)}`);
	return items.map((item) => String(item.taskId)).sort();
}

const taskLookups = (taskId?: string) =>
	bench.emulator.log
		.entries({ provider: 'stream' })
		.filter((entry) => entry.path.includes('/api/v2/tasks/') && (taskId === undefined || entry.path.endsWith(`/tasks/${taskId}`)));

/** Waits for the next poll after `before` marker look-ups: the marker answered, and no task look-up still in flight. */
async function nextPoll(before: number): Promise<number> {
	await until(
		async () => taskLookups(),
		(entries) => entries.filter((entry) => entry.path.endsWith(`/tasks/${MARKER}`) && entry.status !== undefined).length > before && entries.every((entry) => entry.status !== undefined),
		'a poll (the marker task looked up and answered)',
		{ describe: (entries) => JSON.stringify(entries.slice(-6).map((entry) => `${entry.path} → ${String(entry.status)}`)) },
	);
	return markerPolls();
}
const markerPolls = () => taskLookups(MARKER).filter((entry) => entry.status !== undefined).length;

/** Waits until n8n has saved the trigger's static data with these task ids recorded as emitted. */
async function staticDataRecords(workflowId: string, taskIds: string[]): Promise<void> {
	await until(
		async () => ((await bench.n8n.api('GET', `/workflows/${workflowId}`)).staticData ?? null) as IDataObject | null,
		(staticData) => {
			const recorded = ((staticData?.[`node:${TRIGGER}`] as IDataObject | undefined)?.emitted ?? []) as string[];
			return taskIds.every((id) => recorded.includes(id));
		},
		`static data recording ${taskIds.join(', ')} as emitted`,
	);
}

/**
 * After a poll that must emit nothing: n8n starts an execution right after the poll returns items, so give it a
 * moment, then no execution may be unfinished and the finished ones are counted. (A "nothing happened" has no
 * event to wait for; the poll itself is waited for above.)
 */
async function settledAfterQuietPoll(workflowId: string): Promise<IDataObject[]> {
	await sleep(1_500);
	return await settledExecutions(bench.n8n, workflowId, { atLeast: 0 });
}

function triggerWorkflow(name: string, taskIds: string): IDataObject {
	return {
		name,
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER,
				type: `${PACKAGE}.streamVideoTrigger`,
				typeVersion: 1,
				position: [0, 0],
				credentials: { streamVideoApi: { id: bench.credentials.stream.id, name: bench.credentials.stream.name } },
				parameters: { pollTimes: { item: [{ mode: 'everyHour' }] }, event: 'hardDeleteFinished', taskIds, options: {} },
			},
		],
		connections: {},
	};
}

test('each finished task fires exactly once across polls, reactivation and an n8n restart', async () => {
	const { emulator, n8n } = bench;
	const never = 365 * 86_400_000;
	emulator.stream.seedTasks([
		{ taskId: 'task-done', status: 'completed' },
		{ taskId: 'task-failed', status: 'failed', finishedAtFormat: 'rfc3339' },
		// Pending until the test finishes it below.
		{ taskId: 'task-slow', status: 'pending', finishAfterMs: never },
		{ taskId: MARKER, status: 'pending', finishAfterMs: never },
	] as never);
	const workflowId = await n8n.createWorkflow(triggerWorkflow('Trigger e2e', `task-done, task-failed\ntask-slow, task-unknown, ${MARKER}`));

	// Activation polls at once: the two finished tasks and the unknown one fire; the slow one is still running.
	let polls = markerPolls();
	await n8n.activate(workflowId);
	polls = await nextPoll(polls);
	let executions = await settledExecutions(n8n, workflowId, { atLeast: 1 });
	expect(executions.map(emitted)).toEqual([['task-done', 'task-failed', 'task-unknown']]);
	const items = nodeItems(executions[0], TRIGGER) ?? [];
	expect(items.find((item) => item.taskId === 'task-failed')).toMatchObject({ status: 'failed', error: expect.anything() });
	expect(items.find((item) => item.taskId === 'task-done')).toMatchObject({ status: 'completed', finishedAt: expect.stringMatching(/^\d{4}-/) });
	expect(items.find((item) => item.taskId === 'task-unknown')).toMatchObject({ status: 'not_found' });
	// n8n saves the trigger's static data after the emit, without awaiting the execution: wait for it.
	await staticDataRecords(workflowId, ['task-done', 'task-failed', 'task-unknown']);

	// Re-activation polls again: nothing new yet.
	await n8n.deactivate(workflowId);
	await n8n.activate(workflowId);
	polls = await nextPoll(polls);
	expect(taskLookups('task-slow').at(-1)?.status).toBe(200);
	expect((await settledAfterQuietPoll(workflowId)).map(emitted)).toEqual([['task-done', 'task-failed', 'task-unknown']]);

	// Once the slow task finishes, the next poll fires it, and only it.
	emulator.stream.seedTasks([{ taskId: 'task-slow', status: 'completed' }] as never);
	await n8n.deactivate(workflowId);
	await n8n.activate(workflowId);
	polls = await nextPoll(polls);
	executions = await settledExecutions(n8n, workflowId, { atLeast: 2 });
	expect(executions.map(emitted)).toEqual([['task-done', 'task-failed', 'task-unknown'], ['task-slow']]);
	await staticDataRecords(workflowId, ['task-done', 'task-failed', 'task-unknown', 'task-slow']);

	// A restart re-activates the workflow and polls; every finished task has already fired.
	const emittedIds = ['task-done', 'task-failed', 'task-slow', 'task-unknown'];
	const lookupsBefore = emittedIds.map((id) => taskLookups(id).length);
	await n8n.restart();
	expect((await n8n.api('GET', `/workflows/${workflowId}`)).active).toBe(true);
	polls = await nextPoll(polls);
	executions = await settledAfterQuietPoll(workflowId);
	expect(executions.map(emitted)).toEqual([['task-done', 'task-failed', 'task-unknown'], ['task-slow']]);
	// Already-emitted tasks are never fetched again.
	expect(emittedIds.map((id) => taskLookups(id).length)).toEqual(lookupsBefore);
	await n8n.deactivate(workflowId);
});

test('the race, reproduced: the public list shows the trigger execution before it has run, and the wait handles it', async () => {
	const { emulator, n8n } = bench;
	// A production execution that holds the only slot (N8N_CONCURRENCY_PRODUCTION_LIMIT=1) until the test stops it.
	const holdPath = `hold-slot-${Date.now()}`;
	const holderId = await n8n.createWorkflow({
		name: 'Hold the only production slot',
		nodes: [
			{
				id: 'webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: holdPath,
				parameters: { httpMethod: 'POST', path: holdPath, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'wait',
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [220, 0],
				// Under 65 s n8n waits in memory, so the execution keeps running and keeps its slot; the test stops it sooner.
				parameters: { resume: 'timeInterval', amount: 60, unit: 'seconds' },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
	});
	await n8n.activate(holderId);
	expect((await callWebhook(bench, holdPath, {})).status).toBe(200);
	const [holder] = await until(
		async () => (await n8n.api('GET', `/executions?workflowId=${holderId}&status=running`)).data as IDataObject[],
		(running) => running.length === 1,
		'the slot holder running',
	);

	emulator.stream.seedTasks([{ taskId: 'race-task', status: 'completed' }] as never);
	const workflowId = await n8n.createWorkflow(triggerWorkflow('Trigger race', 'race-task'));
	await n8n.activate(workflowId);

	// The poll emitted; n8n inserted the execution (status "new", no run data) and waits for a slot. The public list
	// already shows it: what the flaky run once took for "an execution without trigger items".
	const [listed] = await until(
		() => n8n.executions(workflowId),
		(executions) => executions.length > 0,
		'the trigger execution in the public list',
	);
	expect(isFinished(listed)).toBe(false);
	expect(listed.status).toBe('new');
	expect(nodeItems(listed, TRIGGER)).toBeUndefined();
	// It stays that way while the slot is taken, and the holder runs until the test stops it: no timing decides this.

	// Free the slot: the trigger's execution runs, and waiting for finished executions gives the real answer.
	await n8n.stopExecution(String(holder.id));
	const executions = await settledExecutions(n8n, workflowId, { atLeast: 1 });
	expect(executions.map(emitted)).toEqual([['race-task']]);
	expect(executions[0].id).toBe(listed.id);
	await settledExecutions(n8n, holderId, { atLeast: 1 });
	await n8n.deactivate(workflowId);
	await n8n.deactivate(holderId);
});
