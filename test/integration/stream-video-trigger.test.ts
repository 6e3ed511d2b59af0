import type { IDataObject } from 'n8n-workflow';

import { pollTrigger, type CredentialStore } from '../../dev/harness/n8n-inprocess';
import { useEmulators } from './setup';

const bench = useEmulators();

const seedTasks = (tasks: IDataObject[]) => bench.emulator.stream.seedTasks(tasks as never);
const taskRequests = () => bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.includes('/tasks/'));
const poll = (staticData: IDataObject, taskIds: string, extra: Partial<Parameters<typeof pollTrigger>[1]> = {}) =>
	pollTrigger(bench.store, { credentialId: 'stream', staticData, parameters: { event: 'hardDeleteFinished', taskIds }, ...extra });

describe('Stream Video Trigger', () => {
	test('fires once per finished task across polls, with ISO finishedAt from either wire format', async () => {
		seedTasks([
			{ taskId: 'task-ns', status: 'completed', finishedAtFormat: 'ns' },
			{ taskId: 'task-rfc', status: 'completed', finishedAtFormat: 'rfc3339' },
			{ taskId: 'task-fail', status: 'failed' },
			// Runs until the test finishes it: no machine speed decides which poll sees it done.
			{ taskId: 'task-later', status: 'running', finishAfterMs: 3_600_000 },
		]);
		const state: IDataObject = {};
		const ids = 'task-ns, task-rfc\ntask-fail,task-later';

		const first = await poll(state, ids);
		expect(first?.map((item) => [item.taskId, item.status])).toEqual([
			['task-ns', 'completed'],
			['task-rfc', 'completed'],
			['task-fail', 'failed'],
		]);
		for (const item of first ?? []) expect(item.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(first?.[2].error).toBeDefined();

		bench.emulator.log.clear();
		expect(await poll(state, ids)).toBeNull();
		// Already emitted tasks are never fetched again.
		expect(taskRequests().map((entry) => entry.path.split('/').pop())).toEqual(['task-later']);

		seedTasks([{ taskId: 'task-later', status: 'completed' }]);
		const third = await poll(state, ids);
		expect(third?.map((item) => item.taskId)).toEqual(['task-later']);
		expect(await poll(state, ids)).toBeNull();
	});

	test('an unknown task is emitted once as not_found, so nothing waits forever', async () => {
		const state: IDataObject = {};
		const first = await poll(state, 'no-such-task');
		expect(first).toEqual([expect.objectContaining({ taskId: 'no-such-task', status: 'not_found' })]);
		expect(await poll(state, 'no-such-task')).toBeNull();
	});

	test('Emit On "completed" skips failed tasks (they still count as handled)', async () => {
		seedTasks([
			{ taskId: 'ok', status: 'completed' },
			{ taskId: 'bad', status: 'failed' },
		]);
		const state: IDataObject = {};
		const params = { event: 'hardDeleteFinished', taskIds: 'ok,bad', options: { emitOn: 'completed' } };
		const first = await pollTrigger(bench.store, { credentialId: 'stream', staticData: state, parameters: params });
		expect(first?.map((item) => item.taskId)).toEqual(['ok']);
		bench.emulator.log.clear();
		expect(await pollTrigger(bench.store, { credentialId: 'stream', staticData: state, parameters: params })).toBeNull();
		expect(taskRequests()).toHaveLength(0);
	});

	test('transient errors are retried on the next poll, never emitted; persistent ones surface as an error', async () => {
		seedTasks([{ taskId: 'flaky', status: 'completed' }]);
		const state: IDataObject = {};
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/flaky', type: 'status', status: 503, times: 1 });
		expect(await poll(state, 'flaky')).toBeNull();
		expect((await poll(state, 'flaky'))?.map((item) => item.taskId)).toEqual(['flaky']);

		const stuck: IDataObject = {};
		seedTasks([{ taskId: 'down', status: 'completed' }]);
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/down', type: 'status', status: 503, times: 10 });
		expect(await poll(stuck, 'down')).toBeNull();
		expect(await poll(stuck, 'down')).toBeNull();
		await expect(poll(stuck, 'down')).rejects.toThrow(/Stream Video/);
	});

	test('a refused credential surfaces at once through the trigger error path', async () => {
		bench.store.set('stream', { apiKey: 'unknown-key', apiSecret: 'x', baseUrl: bench.emulator.streamBaseUrl });
		await expect(poll({}, 'any-task')).rejects.toThrow(/Stream Video/);
	});

	test('manual test: returns the finished tasks and records nothing; a clear message when none has finished', async () => {
		seedTasks([
			{ taskId: 'm-done', status: 'completed' },
			{ taskId: 'm-wait', status: 'pending', finishAfterMs: 60_000 },
		]);
		const state: IDataObject = {};
		const manual = await poll(state, 'm-done,m-wait', { mode: 'manual' });
		expect(manual?.map((item) => item.taskId)).toEqual(['m-done']);
		expect(state).toEqual({});
		// The real trigger still fires for it afterwards.
		expect((await poll(state, 'm-done,m-wait'))?.map((item) => item.taskId)).toEqual(['m-done']);
		await expect(poll({}, 'm-wait', { mode: 'manual' })).rejects.toThrow(/None of the 1 watched tasks has finished yet/);
	});

	test('a short poll budget stops early; the next poll continues where it left off', async () => {
		const ids = Array.from({ length: 40 }, (_, index) => `b${index}`);
		seedTasks(ids.map((taskId) => ({ taskId, status: 'completed' })));
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/', type: 'latency', latencyMs: 100 });
		const state: IDataObject = {};
		const params = { event: 'hardDeleteFinished', taskIds: ids.join(','), options: { concurrency: 2 } };
		const first = await pollTrigger(bench.store, { credentialId: 'stream', staticData: state, parameters: params, pollBudgetMs: 500 });
		expect(first?.length).toBeGreaterThan(0);
		expect(first?.length).toBeLessThan(40);
		const seen = new Set(first?.map((item) => item.taskId));
		while (seen.size < 40) {
			const next = await pollTrigger(bench.store, { credentialId: 'stream', staticData: state, parameters: params, pollBudgetMs: 500 });
			for (const item of next ?? []) {
				expect(seen.has(String(item.taskId))).toBe(false);
				seen.add(String(item.taskId));
			}
		}
		expect(seen.size).toBe(40);
	});

	test('poll cost for 5,000 watched tasks: finished ones are fetched once, never again', async () => {
		const done = Array.from({ length: 2500 }, (_, index) => `k-done-${index}`);
		const later = Array.from({ length: 2500 }, (_, index) => `k-later-${index}`);
		seedTasks([
			...done.map((taskId) => ({ taskId, status: 'completed' })),
			// Pending until the test finishes them, however long the first poll takes on a busy machine.
			...later.map((taskId) => ({ taskId, status: 'pending', finishAfterMs: 3_600_000 })),
		]);
		const state: IDataObject = {};
		const taskIds = [...done, ...later].join('\n');
		const figures: IDataObject[] = [];
		const emittedSoFar = new Set<string>();
		// One poll: it fetches every watched task not yet emitted, and no other. A look-up that meets a passing
		// fault (a 429 on a loaded machine) is simply fetched again at the next poll.
		const measuredPoll = async (label: string) => {
			bench.emulator.log.clear();
			const started = Date.now();
			const notYetEmitted = 5000 - emittedSoFar.size;
			const emitted = (await poll(state, taskIds)) ?? [];
			const requests = taskRequests().length;
			figures.push({ poll: label, requests, emitted: emitted.length, seconds: (Date.now() - started) / 1000 });
			expect(requests).toBe(notYetEmitted);
			for (const item of emitted) {
				expect(emittedSoFar.has(String(item.taskId))).toBe(false);
				emittedSoFar.add(String(item.taskId));
			}
			return emitted.map((item) => String(item.taskId));
		};
		const pollUntil = async (label: string, expected: string[]) => {
			for (let round = 1; round <= 3 && !expected.every((taskId) => emittedSoFar.has(taskId)); round++) {
				await measuredPoll(`${label}${round > 1 ? ` (again, ${round})` : ''}`);
			}
			expect(expected.filter((taskId) => !emittedSoFar.has(taskId))).toEqual([]);
		};

		await pollUntil('1: half finished', done);
		expect([...emittedSoFar].every((taskId) => taskId.startsWith('k-done-'))).toBe(true);
		seedTasks(later.map((taskId) => ({ taskId, status: 'completed' })));
		await pollUntil('2: the rest finished', later);
		expect(await measuredPoll('3: nothing left')).toEqual([]);
		expect(emittedSoFar.size).toBe(5000);

		process.stdout.write(`\nTrigger poll cost, 5,000 watched tasks:\n${JSON.stringify(figures)}\n`);
	});
});
