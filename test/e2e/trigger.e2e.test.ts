/**
 * Stream Video Trigger in a real n8n 2.41.1: activated through the public API, polled on activation,
 * re-activated and restarted. Every finished task must start exactly one execution.
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, PACKAGE, type RealN8n } from '../../dev/real-n8n';

jest.setTimeout(300_000);
// A CI run once found an execution of this workflow without the trigger's items, right after activation; it did not
// happen again in runs here, with or without a CPU-burning process beside them. One retry, with the first
// attempt's error printed: the helpers above make that error say what the execution was.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

let bench: RealN8n;

beforeAll(async () => {
	bench = await bootRealN8n();
});
afterAll(async () => await bench?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Task ids emitted by each saved execution of the workflow. */
async function emittedPerExecution(workflowId: string): Promise<string[][]> {
	const executions = await bench.n8n.executions(workflowId);
	return executions.map((execution) => {
		const resultData = (execution.data as IDataObject)?.resultData as IDataObject;
		// A poll that threw is saved as a failed execution without items: say what it threw.
		if (resultData?.error) throw new Error(`execution ${String(execution.id)} failed: ${JSON.stringify(resultData.error).slice(0, 2000)}`);
		const runData = resultData?.runData as IDataObject;
		const runs = (runData?.['Stream Video Trigger'] ?? []) as Array<{ data: { main: Array<Array<{ json: IDataObject }>> } }>;
		// Every execution of this workflow starts from the trigger's items; one without them says what it was.
		if (runs.length === 0) {
			const { data, ...summary } = execution;
			throw new Error(`execution without trigger items: ${JSON.stringify(summary)}; data: ${JSON.stringify(data).slice(0, 2000)}`);
		}
		return runs.flatMap((run) => run.data.main[0].map((item) => String(item.json.taskId)));
	});
}

async function waitForExecutions(workflowId: string, count: number): Promise<string[][]> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const executions = await emittedPerExecution(workflowId);
		if (executions.length >= count || Date.now() > deadline) return executions;
		await sleep(300);
	}
}

test('each finished task fires exactly once across polls, reactivation and an n8n restart', async () => {
	const { emulator, n8n, credentials } = bench;
	emulator.stream.seedTasks([
		{ taskId: 'task-done', status: 'completed' },
		{ taskId: 'task-failed', status: 'failed', finishedAtFormat: 'rfc3339' },
		{ taskId: 'task-slow', status: 'pending', finishAfterMs: 6_000 },
	] as never);

	const workflowId = await n8n.createWorkflow({
		name: 'Trigger e2e',
		nodes: [
			{
				id: 'trigger',
				name: 'Stream Video Trigger',
				type: `${PACKAGE}.streamVideoTrigger`,
				typeVersion: 1,
				position: [0, 0],
				credentials: { streamVideoApi: { id: credentials.stream.id, name: credentials.stream.name } },
				parameters: {
					pollTimes: { item: [{ mode: 'everyHour' }] },
					event: 'hardDeleteFinished',
					taskIds: 'task-done, task-failed\ntask-slow, task-unknown',
					options: {},
				},
			},
		],
		connections: {},
	});

	// Activation polls at once: the two finished tasks and the unknown one fire; the slow one is still running.
	await n8n.activate(workflowId);
	let executions = await waitForExecutions(workflowId, 1);
	expect(executions.flat().sort()).toEqual(['task-done', 'task-failed', 'task-unknown']);
	const [first] = await bench.n8n.executions(workflowId);
	const items = (
		(((first.data as IDataObject).resultData as IDataObject).runData as IDataObject)['Stream Video Trigger'] as Array<{
			data: { main: Array<Array<{ json: IDataObject }>> };
		}>
	)[0].data.main[0].map((item) => item.json);
	expect(items.find((item) => item.taskId === 'task-failed')).toMatchObject({ status: 'failed', error: expect.anything() });
	expect(items.find((item) => item.taskId === 'task-done')).toMatchObject({
		status: 'completed',
		finishedAt: expect.stringMatching(/^\d{4}-/),
	});
	expect(items.find((item) => item.taskId === 'task-unknown')).toMatchObject({ status: 'not_found' });
	await sleep(1_000); // static data is saved alongside the emit

	// Re-activation polls again: nothing new yet.
	await n8n.deactivate(workflowId);
	await n8n.activate(workflowId);
	await sleep(1_500);
	expect(await emittedPerExecution(workflowId)).toHaveLength(1);

	// Once the slow task finishes, the next poll fires it, and only it.
	await sleep(6_000);
	await n8n.deactivate(workflowId);
	await n8n.activate(workflowId);
	executions = await waitForExecutions(workflowId, 2);
	expect(executions.map((emitted) => emitted.sort())).toEqual(expect.arrayContaining([['task-slow']]));
	await sleep(1_000);

	// A restart re-activates the workflow and polls; every task has already fired.
	const getTaskCallsBefore = emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.includes('/tasks/')).length;
	await n8n.restart();
	expect((await n8n.api('GET', `/workflows/${workflowId}`)).active).toBe(true);
	await sleep(3_000);
	executions = await emittedPerExecution(workflowId);
	const fired = executions.flat().sort();
	expect(fired).toEqual(['task-done', 'task-failed', 'task-slow', 'task-unknown']);
	expect(executions).toHaveLength(2);
	// Already-emitted tasks are never fetched again.
	const getTaskCallsAfter = emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.includes('/tasks/')).length;
	expect(getTaskCallsAfter).toBe(getTaskCallsBefore);
	await n8n.deactivate(workflowId);
});
