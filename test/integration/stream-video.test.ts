import type { IDataObject } from 'n8n-workflow';

import { daysAgo, runNode, sandbox, useEmulators } from './setup';

const bench = useEmulators();

const seed = (ids: string[], extra: IDataObject = {}) =>
	bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40), ...extra })) as never);
const deletes = () => bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.endsWith('/delete'));
const remaining = (id: string) => (bench.emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', id);
const deleteParams = (extra: IDataObject = {}) => ({
	resource: 'call',
	operation: 'delete',
	callType: 'default',
	callId: '={{ $json.callId }}',
	...extra,
});

describe('Stream Video: delete', () => {
	test('soft delete: one audit item per input, in order, paired, and the calls are gone', async () => {
		seed(['c1', 'c2', 'c3']);
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'c1' }, { callId: 'c2' }, { callId: 'c3' }]);
		expect(run.error).toBeUndefined();
		expect(run.out.map((item) => [item.callId, item.outcome, item.deleted, item.httpStatus])).toEqual([
			['c1', 'deleted', true, 201],
			['c2', 'deleted', true, 201],
			['c3', 'deleted', true, 201],
		]);
		expect(run.items('Node').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(run.out[0]).toMatchObject({ provider: 'streamVideo', callType: 'default', cid: 'default:c1', deleteMode: 'soft' });
		expect(Date.parse(String(run.out[0].requestedAt))).not.toBeNaN();
		expect(run.out[0].taskId).toBeUndefined();
		expect(deletes().map((entry) => entry.body)).toEqual([{ hard: false }, { hard: false }, { hard: false }]);
		for (const id of ['c1', 'c2', 'c3']) expect(remaining(id)?.deleted).toBeTruthy();
	});

	test('requests carry server-side auth: api_key, a raw server JWT and stream-auth-type', async () => {
		seed(['auth1']);
		await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'auth1' }]);
		const [entry] = deletes();
		expect(entry.query.api_key).toBe(sandbox.stream.apiKey);
		expect(entry.headers['stream-auth-type']).toBe('jwt');
		expect(entry.headers.authorization).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
		expect(JSON.parse(Buffer.from(entry.headers.authorization.split('.')[1], 'base64url').toString())).toEqual({ server: true });
	});

	test('hard delete with Wait for Completion watches all tasks together and reports their final status', async () => {
		(bench.emulator.stream.configure as (c: IDataObject) => void)({ taskPendingMs: 200, taskRunningMs: 600 });
		seed(['h1', 'h2', 'h3', 'h4']);
		seed(['hfail'], { hardDeleteFails: true });
		// The first five look-ups, whichever tasks they are for, find the task still running.
		bench.emulator.faults.add({
			provider: 'stream',
			method: 'GET',
			path: '/tasks/',
			type: 'status',
			status: 200,
			body: { status: 'running', duration: '1ms' },
			times: 5,
		});
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams({ deleteMode: 'hard', options: { waitForCompletion: true, waitTimeout: 30 } }),
			['h1', 'h2', 'hfail', 'h3', 'h4'].map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		expect(run.out.map((item) => [item.callId, item.taskStatus])).toEqual([
			['h1', 'completed'],
			['h2', 'completed'],
			['hfail', 'failed'],
			['h3', 'completed'],
			['h4', 'completed'],
		]);
		for (const item of run.out) expect(item.taskId).toEqual(expect.any(String));
		expect(run.out[2].taskError).toBeDefined();
		expect(run.out[0].taskFinishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		// Watched together: every round of look-ups asks for each task still open, so the first five look-ups (all
		// "running") are one per task. Watched one after the other, they would all be for the first task.
		const lookups = bench.emulator.log
			.entries({ provider: 'stream', method: 'GET' })
			.filter((entry) => entry.path.includes('/tasks/'))
			.map((entry) => entry.path.split('/').pop());
		const taskIds = run.out.map((item) => item.taskId);
		expect(new Set(lookups.slice(0, 5))).toEqual(new Set(taskIds));
		expect(lookups.length).toBeGreaterThan(5);
	});

	test('hard delete whose tasks outlast the wait timeout returns the last status instead of failing', async () => {
		(bench.emulator.stream.configure as (c: IDataObject) => void)({ taskPendingMs: 5000, taskRunningMs: 5000 });
		seed(['slow1', 'slow2']);
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams({ deleteMode: 'hard', options: { waitForCompletion: true, waitTimeout: 1 } }),
			[{ callId: 'slow1' }, { callId: 'slow2' }],
		);
		expect(run.error).toBeUndefined();
		for (const item of run.out) {
			expect(item).toMatchObject({ deleted: true, outcome: 'deleted', taskStatus: 'pending', waitTimedOut: true });
		}
	});

	test('Wait Timeout counts from when the wait starts, not from the start of the run', async () => {
		// Each task finishes 1.2 s after its delete. The first delete is answered only after 2.2 s, longer than the
		// 2 s timeout: counted from the run's start, the wait would be over before it began (one look, "pending").
		(bench.emulator.stream.configure as (c: IDataObject) => void)({ taskPendingMs: 600, taskRunningMs: 600 });
		seed(['w1', 'w2', 'w3']);
		bench.emulator.faults.add({ provider: 'stream', path: '/w1/delete', type: 'latency', latencyMs: 2200 });
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams({ deleteMode: 'hard', options: { waitForCompletion: true, waitTimeout: 2 } }),
			['w1', 'w2', 'w3'].map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		for (const item of run.out) {
			expect(item).toMatchObject({ deleted: true, taskStatus: 'completed' });
			expect(item.waitTimedOut).toBeUndefined();
		}
	});

	test('not found: an error that says so, or an audit item with Ignore Not Found', async () => {
		const strict = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'ghost' }]);
		expect(strict.error?.message).toMatch(/Can't find call with id default:ghost/);
		expect(String(strict.error?.description)).toMatch(/Ignore Not Found/);

		const lenient = await runNode(bench.store, 'streamVideo', deleteParams({ options: { ignoreNotFound: true } }), [{ callId: 'ghost' }]);
		expect(lenient.out).toEqual([expect.objectContaining({ callId: 'ghost', deleted: false, outcome: 'not_found', httpStatus: 404 })]);
	});

	test('an unknown call type is an error even with Ignore Not Found (it is a setup mistake, not a done deletion)', async () => {
		const run = await runNode(bench.store, 'streamVideo', deleteParams({ callType: 'no_such_type', options: { ignoreNotFound: true } }), [
			{ callId: 'x' },
		]);
		expect(run.error?.message).toMatch(/call type/i);
	});

	test('dry run looks the call up, reports it, and deletes nothing', async () => {
		seed(['keep']);
		const run = await runNode(bench.store, 'streamVideo', deleteParams({ deleteMode: 'hard', options: { dryRun: true } }), [
			{ callId: 'keep' },
		]);
		expect(run.out[0]).toMatchObject({ outcome: 'dry_run', deleted: false, wouldDelete: true, httpStatus: 200 });
		expect((run.out[0].call as IDataObject).cid).toBe('default:keep');
		expect(deletes()).toHaveLength(0);
		expect(remaining('keep')?.deleted).toBeFalsy();
	});

	test('continue on fail: bad input and provider errors become error items in place, valid items still delete', async () => {
		seed(['ok1', 'ok2']);
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams(),
			[{ callId: 'ok1' }, { callId: '' }, { callId: '../etc' }, { callId: 'missing' }, { callId: 42 }, { callId: 'ok2' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(run.out).toHaveLength(6);
		expect(run.out[0]).toMatchObject({ callId: 'ok1', deleted: true });
		expect(run.out[1].error).toMatch(/Call ID is empty/);
		expect(run.out[2].error).toMatch(/not allowed/);
		expect(run.out[3]).toMatchObject({ details: { callId: 'missing', code: '16', httpStatus: 404 } });
		expect(run.out[4].error).toMatch(/must be text/);
		expect(run.out[5]).toMatchObject({ callId: 'ok2', deleted: true });
		expect(run.items('Node').map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		// Invalid ids never reached the API.
		expect(deletes().map((entry) => entry.path.split('/').slice(-2, -1)[0])).toEqual(['ok1', 'missing', 'ok2']);
	});

	test('the error output receives failed items, the success output the rest', async () => {
		seed(['fine']);
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'fine' }, { callId: 'nope' }], {
			onError: 'continueErrorOutput',
		});
		expect(run.out.map((item) => item.callId)).toEqual(['fine']);
		expect(run.errorsOut).toHaveLength(1);
		expect(run.errorsOut[0]).toMatchObject({ callId: 'nope', details: { callId: 'nope', code: '16', httpStatus: 404 } });
	});

	test('transient faults are retried: 503, 429 with Retry-After, and a reset connection', async () => {
		seed(['t1', 't2', 't3']);
		bench.emulator.faults.add([
			{ provider: 'stream', path: '/t1/delete', type: 'status', status: 503, times: 1 },
			{ provider: 'stream', path: '/t2/delete', type: 'status', status: 429, retryAfter: 1, times: 1 },
			{ provider: 'stream', path: '/t3/delete', type: 'reset', times: 1 },
		]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams(),
			['t1', 't2', 't3'].map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		expect(run.out.map((item) => [item.callId, item.outcome, item.attempts])).toEqual([
			['t1', 'deleted', 2],
			['t2', 'deleted', 2],
			['t3', 'deleted', 2],
		]);
		// The reset attempt might have reached Stream, so the record says it was retried.
		expect(run.out[2].retried).toBe(true);
	});

	test('a delete whose answer was lost after Stream acted ends as done (not_found, retried), not as a failure', async () => {
		seed(['lost']);
		bench.emulator.faults.add({ provider: 'stream', path: '/lost/delete', type: 'actThenReset', times: 1 });
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'lost' }]);
		expect(run.error).toBeUndefined();
		expect(run.out[0]).toMatchObject({ callId: 'lost', outcome: 'not_found', deleted: false, retried: true, attempts: 2 });
		expect(remaining('lost')?.deleted).toBeTruthy();
	});

	test('a permanent 4xx is not retried', async () => {
		seed(['p1']);
		bench.emulator.faults.add({ provider: 'stream', path: '/p1/delete', type: 'status', status: 403, times: 5 });
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'p1' }], { onError: 'continueRegularOutput' });
		expect(run.out[0].details).toMatchObject({ httpStatus: 403, attempts: 1 });
		expect(deletes()).toHaveLength(1);
	});

	test('paces to the per-second cap the rate-limit headers announce: no 429, no failure', async () => {
		(bench.emulator.stream.configure as (c: IDataObject) => void)({ rateLimits: { deleteCall: 300 } }); // 10 per second
		const ids = Array.from({ length: 25 }, (_, index) => `rl${index}`);
		seed(ids);
		const run = await runNode(
			bench.store,
			'streamVideo',
			deleteParams({ options: { concurrency: 10 } }),
			ids.map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		expect(run.out.every((item) => item.deleted === true)).toBe(true);
		expect(deletes().filter((entry) => entry.status === 429)).toHaveLength(0);
	});

	test("a wrong API secret fails with Stream's message and no secret in the error", async () => {
		bench.store.set('stream', {
			apiKey: sandbox.stream.apiKey,
			apiSecret: 'wrong-secret-value-123',
			baseUrl: bench.emulator.streamBaseUrl,
		});
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'x' }, { callId: 'y' }], {
			onError: 'continueRegularOutput',
		});
		expect(run.out).toHaveLength(2);
		expect(run.out[0].details).toMatchObject({ httpStatus: 401, code: '43' });
		expect(JSON.stringify(run.out)).not.toContain('wrong-secret-value-123');
	});

	test('http base URLs other than loopback are refused before any request', async () => {
		bench.store.set('stream', { apiKey: 'k', apiSecret: 's', baseUrl: 'http://video.example.com' });
		const run = await runNode(bench.store, 'streamVideo', deleteParams(), [{ callId: 'x' }]);
		expect(run.error?.message).toMatch(/must use https/);
		expect(String(run.error?.description)).toMatch(/loopback/);
	});
});

describe('Stream Video: get, task get, get many', () => {
	test('get returns the call; task get reports status with ISO times', async () => {
		seed(['g1']);
		const got = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'get', callType: 'default', callId: 'g1' }, [{}]);
		expect(got.out[0]).toMatchObject({ cid: 'default:g1', callId: 'g1', callType: 'default' });

		const hard = await runNode(bench.store, 'streamVideo', deleteParams({ deleteMode: 'hard' }), [{ callId: 'g1' }]);
		const taskId = String(hard.out[0].taskId);
		const task = await runNode(bench.store, 'streamVideo', { resource: 'task', operation: 'get', taskId }, [{}]);
		expect(task.out[0]).toMatchObject({ taskId, status: expect.stringMatching(/pending|running|completed/) });
		expect(task.out[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
	});

	test('get many pages through every ended call and never returns live ones unless asked', async () => {
		const ended = Array.from({ length: 230 }, (_, index) => `old${String(index).padStart(3, '0')}`);
		seed(ended);
		bench.emulator.stream.seedCalls([{ type: 'default', id: 'live1', ended_at: null }] as never);
		const all = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'getMany', returnAll: true, filters: { endedBefore: daysAgo(30) } },
			[{}],
		);
		expect(all.out).toHaveLength(230);
		expect(new Set(all.out.map((call) => call.callId)).size).toBe(230);
		expect(all.out.some((call) => call.callId === 'live1')).toBe(false);
		expect(all.items('Node').every((item) => (item.pairedItem as unknown as IDataObject).item === 0)).toBe(true);

		const limited = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'getMany', returnAll: false, limit: 30 }, [
			{},
		]);
		expect(limited.out).toHaveLength(30);

		const withLive = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'getMany', returnAll: true, filters: { includeLive: true } },
			[{}],
		);
		expect(withLive.out.some((call) => call.callId === 'live1')).toBe(true);
	});

	test.each([
		['the cursor it was just sent', ['c1', 'c1']],
		['a cursor from an earlier page', ['c1', 'c2', 'c1']],
	])('get many fails the item, instead of paging forever, when Stream answers with %s', async (_label, cursors) => {
		seed(['page1']);
		// Each answer names the next cursor; the last one repeats an earlier one. Then 20 more answers repeating the
		// last cursor (a node that does not notice pages on through them and ends with the emulator's real last page).
		const page = (next: string, times: number) => ({
			provider: 'stream',
			method: 'POST',
			path: '/video/calls$',
			type: 'status',
			status: 201,
			body: { calls: [], next, duration: '1ms' },
			times,
		});
		bench.emulator.faults.add([...cursors.map((next) => page(next, 1)), page(cursors[cursors.length - 1], 20)]);
		const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'getMany', returnAll: true }, [{}, {}], {
			onError: 'continueRegularOutput',
		});
		expect(run.error).toBeUndefined();
		expect(run.out).toHaveLength(2);
		for (const item of run.out) expect(String(item.error)).toMatch(/Stream repeated the paging cursor/);
		const queries = bench.emulator.log
			.entries({ provider: 'stream', method: 'POST' })
			.filter((entry) => entry.path.endsWith('/video/calls'));
		// First item: one request per cursor; the second item meets the repeating rule at once and stops after two.
		expect(queries).toHaveLength(cursors.length + 2);
		expect(queries.map((entry) => (entry.body as IDataObject).next)).toEqual([
			undefined,
			...cursors.slice(0, -1),
			undefined,
			cursors[cursors.length - 1],
		]);
	});
});
