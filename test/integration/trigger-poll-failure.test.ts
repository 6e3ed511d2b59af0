import type { IDataObject } from 'n8n-workflow';

import { pollTrigger } from '../../dev/harness/n8n-inprocess';
import { useEmulators } from './setup';

const bench = useEmulators();

const seedTasks = (tasks: IDataObject[]) => bench.emulator.stream.seedTasks(tasks as never);
const taskRequests = () => bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.includes('/tasks/'));
const poll = async (staticData: IDataObject, taskIds: string) =>
	await pollTrigger(bench.store, { credentialId: 'stream', staticData, parameters: { event: 'hardDeleteFinished', taskIds } });

describe('Stream Video Trigger: a failed poll is not a finished task', () => {
	beforeEach(() =>
		seedTasks([
			{ taskId: 'task-a', status: 'completed' },
			{ taskId: 'task-b', status: 'failed' },
			// Runs until the test finishes it.
			{ taskId: 'task-c', status: 'running', finishAfterMs: 3_600_000 },
		]),
	);

	test.each([
		['a 403 (the key or app may not read tasks)', { status: 403 }],
		['a 404 that is not Stream\'s "not found" (a proxy or a wrong base URL)', { status: 404, body: { message: 'no route' } }],
		['a 405', { status: 405 }],
	])('%s on one look-up fails the poll; every task stays watched and is reported when it finishes', async (_label, fault) => {
		const state: IDataObject = {};
		const ids = 'task-a, task-b, task-c';
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/task-a$', type: 'status', times: 1, ...fault });
		await expect(poll(state, ids)).rejects.toThrow(/^Stream Video: /);
		expect(state.emitted ?? []).toEqual([]);

		bench.emulator.log.clear();
		const next = await poll(state, ids);
		expect(next?.map((item) => [item.taskId, item.status])).toEqual([
			['task-a', 'completed'],
			['task-b', 'failed'],
		]);
		expect(taskRequests().map((entry) => entry.path.split('/').pop())).toEqual(['task-a', 'task-b', 'task-c']);

		seedTasks([{ taskId: 'task-c', status: 'completed' }]);
		expect((await poll(state, ids))?.map((item) => [item.taskId, item.status])).toEqual([['task-c', 'completed']]);
	});

	test('a 403 on every look-up fails each poll and emits nothing, until Stream answers again', async () => {
		const state: IDataObject = {};
		// Two polls of two look-ups each.
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/', type: 'status', status: 403, times: 4 });
		await expect(poll(state, 'task-a, task-b')).rejects.toMatchObject({ context: expect.objectContaining({ httpStatus: 403 }) });
		await expect(poll(state, 'task-a, task-b')).rejects.toMatchObject({ context: expect.objectContaining({ httpStatus: 403 }) });
		expect(state.emitted ?? []).toEqual([]);
		expect((await poll(state, 'task-a, task-b'))?.map((item) => item.taskId)).toEqual(['task-a', 'task-b']);
	});

	test('a 400 on one task ID is about that task for good: reported once as error, the others go on', async () => {
		const state: IDataObject = {};
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/task-bad$', type: 'status', status: 400 });
		const first = await poll(state, 'task-bad, task-a, task-c');
		expect(first?.map((item) => [item.taskId, item.status])).toEqual([
			['task-bad', 'error'],
			['task-a', 'completed'],
		]);
		expect(first?.[0].error).toMatchObject({ httpStatus: 400 });
		bench.emulator.log.clear();
		expect(await poll(state, 'task-bad, task-a, task-c')).toBeNull();
		expect(taskRequests().map((entry) => entry.path.split('/').pop())).toEqual(['task-c']);
	});
});
