/**
 * Queue mode, n8n's distributed engine: an n8n main and one n8n worker sharing PostgreSQL and Redis,
 * each with the package installed from the packed tarball. A bulk delete started on main must be run
 * by the worker, and the trigger activated on main must fire once per finished task.
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, PACKAGE, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';
import { daysAgo } from '../../dev/emulators/client';
import { executionIdsOnMain, finishedExecution, nodeItems, until } from '../../dev/executions';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';
import { startPostgres, startRedis, type Service, queueEnvFor } from './services';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startWorker, packPackage } = require('../../dev/n8n-instance');

jest.setTimeout(600_000);
// No retries: each step waits on its real condition. In queue mode main waits on Bull's job.finished(), which can miss
// a very short job's completion, and the public list may then leave the execution out (dev/executions.ts). So every
// execution is found by its ID in main's own list and waited on with GET /api/v1/executions/{id}.

let postgres: Service;
let redis: Service;
let bench: RealN8n;
let worker: { logs(): string; stop(): Promise<void> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// A task that never finishes: every poll fetches it, so its look-ups in the emulator's log mark each poll.
const MARKER = 'queue-task-marker';

beforeAll(async () => {
	postgres = await startPostgres('n8n');
	redis = await startRedis();
	const queueEnv = queueEnvFor(postgres, redis);
	// Main first: it creates the schema the worker then shares.
	bench = await bootRealN8n(queueEnv);
	worker = await startWorker({ tarball: packPackage(), env: queueEnv });
});

afterAll(async () => {
	await worker?.stop();
	await bench?.close();
	await redis?.stop();
	await postgres?.stop();
});

const workerRan = (executionId: string) => worker.logs().includes(`Worker started execution ${executionId} `);

test('a bulk delete started on main is executed by the worker', async () => {
	const ids = Array.from({ length: 200 }, (_, index) => `q-${index}`);
	bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
	const run = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: {} },
		},
		ids.map((callId) => ({ callId })),
	);
	expect(run.status).toBe(200);
	expect(run.items.map((item) => item.callId)).toEqual(ids);
	expect(run.items.every((item) => item.outcome === 'deleted')).toBe(true);

	const [id] = await until(
		() => executionIdsOnMain(bench.n8n, run.workflowId),
		(ids) => ids.length === 1,
		'the execution on main',
	);
	const execution = await finishedExecution(bench.n8n, id);
	expect(execution.status).toBe('success');
	expect(workerRan(id)).toBe(true);
	expect(bench.n8n.logs()).not.toContain(`Worker started execution ${id} `);
});

test('a signed delete run by the worker: the worker reads the signing key and every receipt verifies', async () => {
	const ids = ['qs-1', 'qs-2', 'qs-3'];
	bench.emulator.stream.seedCalls(ids.slice(0, 2).map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
	const run = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			alsoCredentials: ['receiptKey'],
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: '={{ $json.callId }}',
				signReceipts: true,
				options: {},
			},
		},
		ids.map((callId) => ({ callId })),
	);
	expect(run.status).toBe(200);
	expect(run.items.map((item) => item.outcome ?? 'error')).toEqual(['deleted', 'deleted', 'error']);
	const report = verifyReceipts(run.items, verifyingKeysFrom(bench.receiptPublicKeyPem));
	expect(report).toMatchObject({ ok: true, batches: [{ complete: true, size: 3 }] });
	const [id] = await until(
		() => executionIdsOnMain(bench.n8n, run.workflowId),
		(found) => found.length === 1,
		'the execution on main',
	);
	await finishedExecution(bench.n8n, id);
	expect(workerRan(id)).toBe(true);
	expect(report.batches[0].execution).toBe(id);
});

test('the trigger activated on main fires once per finished task, and the worker runs the execution', async () => {
	bench.emulator.stream.seedTasks([
		{ taskId: 'queue-task-1', status: 'completed' },
		{ taskId: 'queue-task-2', status: 'failed' },
		{ taskId: MARKER, status: 'pending', finishAfterMs: 365 * 86_400_000 },
	] as never);
	const workflowId = await bench.n8n.createWorkflow({
		name: 'Queue trigger',
		nodes: [
			{
				id: 'trigger',
				name: 'Stream Video Trigger',
				type: `${PACKAGE}.streamVideoTrigger`,
				typeVersion: 1,
				position: [0, 0],
				credentials: { streamVideoApi: { id: bench.credentials.stream.id, name: bench.credentials.stream.name } },
				parameters: {
					pollTimes: { item: [{ mode: 'everyHour' }] },
					event: 'hardDeleteFinished',
					taskIds: `queue-task-1, queue-task-2, ${MARKER}`,
					options: {},
				},
			},
		],
		connections: {},
	});
	const markerPolls = () =>
		bench.emulator.log
			.entries({ provider: 'stream' })
			.filter((entry) => entry.path.endsWith(`/tasks/${MARKER}`) && entry.status !== undefined).length;
	/** The next poll after `before` marker look-ups: the marker answered and no task look-up still in flight. */
	const nextPoll = async (before: number) => {
		await until(
			async () => bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.includes('/api/v2/tasks/')),
			(entries) => markerPolls() > before && entries.every((entry) => entry.status !== undefined),
			'a poll (the marker task looked up and answered)',
			{ timeoutMs: 120_000, describe: () => `main log:\n${bench.n8n.logs().slice(-3000)}\nworker log:\n${worker.logs().slice(-3000)}` },
		);
		return markerPolls();
	};
	bench.emulator.log.clear();
	let polls = 0;
	await bench.n8n.activate(workflowId);
	polls = await nextPoll(polls);
	// The poll emitted: the execution shows in main's own list, and the worker writes it to the database.
	const [id] = await until(
		() => executionIdsOnMain(bench.n8n, workflowId),
		(ids) => ids.length > 0,
		'the trigger execution on main',
		{
			timeoutMs: 120_000,
		},
	);
	const execution = await finishedExecution(bench.n8n, id, { timeoutMs: 120_000 });
	expect(execution.status).toBe('success');
	expect((nodeItems(execution, 'Stream Video Trigger') ?? []).map((item) => item.taskId).sort()).toEqual(['queue-task-1', 'queue-task-2']);
	expect(workerRan(id)).toBe(true);
	// n8n saves the trigger's static data after the emit, without awaiting the execution: wait for it.
	await until(
		async () => ((await bench.n8n.api('GET', `/workflows/${workflowId}`)).staticData ?? null) as IDataObject | null,
		(staticData) => {
			const recorded = ((staticData?.['node:Stream Video Trigger'] as IDataObject | undefined)?.emitted ?? []) as string[];
			return ['queue-task-1', 'queue-task-2'].every((taskId) => recorded.includes(taskId));
		},
		'static data recording both tasks as emitted',
	);

	// Polling again (re-activation) finds nothing new: after the poll (and a moment for an execution it would have
	// started; "nothing happened" has no event to wait for), main still knows only the first execution.
	await bench.n8n.deactivate(workflowId);
	await bench.n8n.activate(workflowId);
	await nextPoll(polls);
	await sleep(1_500);
	const ids = await executionIdsOnMain(bench.n8n, workflowId);
	expect(ids).toEqual([id]);
	const lookups = bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => /queue-task-[12]$/.test(entry.path)).length;
	expect(lookups).toBe(2);
	await bench.n8n.deactivate(workflowId);
});
