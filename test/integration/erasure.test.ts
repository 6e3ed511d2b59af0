/**
 * Erasure a user can prove: find everything a person left behind, record only what the provider confirmed,
 * verify on request, and answer a re-delivered request with the same records.
 */
import type { IDataObject } from 'n8n-workflow';

import { ExecuteContext } from 'n8n-core';

import { pollTrigger } from '../../dev/harness/n8n-inprocess';
import { daysAgo, runNode, useEmulators } from './setup';

const bench = useEmulators();

type Controls = Record<string, (...args: never[]) => unknown>;
const stream = () =>
	bench.emulator.stream as unknown as Controls & {
		seedCalls(calls: IDataObject[]): void;
		seedTasks(tasks: IDataObject[]): void;
		getCall(type: string, id: string): IDataObject | undefined;
	};
const husky = () =>
	bench.emulator.husky as unknown as { seedCalls(calls: IDataObject[]): void; getCall(id: string): IDataObject | undefined };
const graphSeed = (ids: string[]) => (bench.emulator.graph.seedCalls as (calls: IDataObject[]) => void)(ids.map((id) => ({ id })));
const requests = (provider: string) => bench.emulator.log.entries({ provider });
const onError = { onError: 'continueRegularOutput' as const };
const getMany = (filters: IDataObject) => ({ resource: 'call', operation: 'getMany', returnAll: true, filters });
const streamDelete = (extra: IDataObject = {}) => ({
	resource: 'call',
	operation: 'delete',
	callType: 'default',
	callId: '={{ $json.callId }}',
	...extra,
});
const huskyDelete = (extra: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', ...extra });
const graphDelete = (extra: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', ...extra });
const GRAPH_CALL = '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4';
/** The prototype in the chain that defines `name` (to spy on a method an execution context inherits). */
const ownerOf = (proto: object, name: string): { _getNodeParameter(...args: unknown[]): unknown } => {
	let current: object | null = proto;
	while (current && !Object.prototype.hasOwnProperty.call(current, name)) current = Object.getPrototypeOf(current) as object | null;
	if (!current) throw new Error(`no prototype defines ${name}`);
	return current as { _getNodeParameter(...args: unknown[]): unknown };
};

describe('Get Many finds what a person left behind', () => {
	test('a call everyone left without ending it is found; only calls with people in them now are left out', async () => {
		stream().seedCalls([
			{ id: 'ended', created_at: daysAgo(40), ended_at: daysAgo(40) },
			{ id: 'left-open', created_at: daysAgo(40), ended_at: null },
			{ id: 'in-progress', created_at: daysAgo(0), ended_at: null, participants: ['alice'] },
		]);
		const byDefault = await runNode(bench.store, 'streamVideo', getMany({}), [{}]);
		expect(byDefault.out.map((call) => call.callId).sort()).toEqual(['ended', 'left-open']);
		expect(requests('stream')[0].body).toMatchObject({ filter_conditions: { ongoing: { $eq: false } } });

		const withLive = await runNode(bench.store, 'streamVideo', getMany({ includeLive: true }), [{}]);
		expect(withLive.out.map((call) => call.callId).sort()).toEqual(['ended', 'in-progress', 'left-open']);
	});

	test("one person's calls by member or creator, of every age, from a list of user IDs", async () => {
		stream().seedCalls([
			{ id: 'old', created_at: daysAgo(400), members: ['subject-1', 'bob'] },
			{ id: 'recent', created_at: daysAgo(1), members: ['carol', 'subject-2'] },
			{ id: 'created-by', created_by_user_id: 'subject-1', members: [] },
			{ id: 'someone-else', members: ['bob'] },
		]);
		const members = await runNode(bench.store, 'streamVideo', getMany({ memberIds: 'subject-1,\nsubject-2' }), [{}]);
		expect(members.out.map((call) => call.callId).sort()).toEqual(['old', 'recent']);
		// Simplified items count the members; they never list them (see simplify.test.ts).
		expect(members.out.map((call) => call.memberCount)).toEqual([2, 2]);

		const creator = await runNode(bench.store, 'streamVideo', getMany({ createdByUserId: 'subject-1' }), [{}]);
		expect(creator.out.map((call) => call.callId)).toEqual(['created-by']);
	});

	test('an invalid user ID is a clear per-item error that names it, and nothing is sent for that item', async () => {
		const run = await runNode(
			bench.store,
			'streamVideo',
			getMany({ memberIds: '={{ $json.user }}' }),
			[{ user: 'subject-1' }, { user: '../admin' }],
			onError,
		);
		expect(run.out[run.out.length - 1]).toMatchObject({
			error: expect.stringMatching(/User ID "\.\.\/admin" contains characters/),
			details: { provider: 'streamVideo', userId: '../admin' },
		});
		expect(requests('stream')).toHaveLength(1);
	});
});

describe('Confirmed or failed, never assumed', () => {
	test('HuskyVoice answering 200 without deleted: true is a failed item, never deleted: true', async () => {
		husky().seedCalls([{ call_id: 'call_a' }, { call_id: 'call_b' }, { call_id: 'call_c' }]);
		bench.emulator.faults.add([
			{ provider: 'husky', path: '/calls/call_a$', type: 'status', status: 200, body: { data: { call_id: 'call_a', deleted: false } } },
			{ provider: 'husky', path: '/calls/call_b$', type: 'status', status: 200, body: { data: { call_id: 'call_other', deleted: true } } },
		]);
		const run = await runNode(
			bench.store,
			'huskyVoice',
			huskyDelete(),
			[{ callId: 'call_a' }, { callId: 'call_b' }, { callId: 'call_c' }],
			onError,
		);
		expect(run.out[0]).toMatchObject({
			error: expect.stringMatching(/did not confirm the deletion \("deleted" is false/),
			details: {
				provider: 'huskyVoice',
				callId: 'call_a',
				httpStatus: 200,
				code: 'UNCONFIRMED',
				answer: expect.stringContaining('"deleted":false'),
			},
		});
		expect(String((run.out[0].details as IDataObject).description)).toMatch(/Look the item up/);
		expect(run.out[1].error).toMatch(/about call "call_other"/);
		expect(run.out[2]).toMatchObject({ callId: 'call_c', deleted: true, outcome: 'deleted' });
		expect(run.out.filter((item) => item.deleted === true)).toHaveLength(1);
		// Not retried blindly: one request per item.
		expect(requests('husky').filter((entry) => entry.method === 'DELETE')).toHaveLength(3);
	});

	test('Stream hard delete without a task_id, and Graph answering 200 instead of 204, are failed items', async () => {
		stream().seedCalls([{ id: 'no-task' }]);
		bench.emulator.faults.add({
			provider: 'stream',
			path: '/no-task/delete$',
			type: 'status',
			status: 201,
			body: { call: { cid: 'default:no-task' }, duration: '1ms' },
		});
		const hard = await runNode(bench.store, 'streamVideo', streamDelete({ deleteMode: 'hard' }), [{ callId: 'no-task' }], onError);
		expect(hard.out[0]).toMatchObject({ error: expect.stringMatching(/no task_id/), details: { callId: 'no-task', code: 'UNCONFIRMED' } });

		graphSeed([GRAPH_CALL]);
		bench.emulator.faults.add({ provider: 'graph', method: 'DELETE', type: 'status', status: 200, body: {} });
		const graph = await runNode(bench.store, 'microsoftGraphCalls', graphDelete(), [{ callId: GRAPH_CALL }], onError);
		expect(graph.out[0]).toMatchObject({
			error: expect.stringMatching(/HTTP 200 instead of 204/),
			details: { provider: 'microsoftGraph' },
		});
	});
});

describe('Verify Erasure', () => {
	test('a Stream hard delete is verified gone once its task completed; a soft delete is never verified', async () => {
		stream().seedCalls([{ id: 'soft-1' }, { id: 'hard-1' }]);
		const soft = await runNode(bench.store, 'streamVideo', streamDelete({ options: { verify: true } }), [{ callId: 'soft-1' }]);
		expect(soft.out[0]).toMatchObject({ outcome: 'deleted', verified: null, verificationNote: expect.stringMatching(/Stream keeps its data/) });

		const hard = await runNode(bench.store, 'streamVideo', streamDelete({ deleteMode: 'hard', options: { verify: true } }), [
			{ callId: 'hard-1' },
		]);
		expect(hard.out[0]).toMatchObject({ outcome: 'deleted', taskStatus: 'completed', verified: true });
		expect(Date.parse(String(hard.out[0].verifiedAt))).toBeGreaterThanOrEqual(Date.parse(String(hard.out[0].taskFinishedAt)));
	});

	test('a call still readable after the delete fails the item with the answer in details; the others pass', async () => {
		stream().seedCalls([{ id: 'sticky' }, { id: 'fine' }]);
		// The provider answers the delete as done, and its task as completed, but the call stays: verification must catch it.
		bench.emulator.faults.add({
			provider: 'stream',
			path: '/sticky/delete$',
			type: 'status',
			status: 201,
			body: { call: { cid: 'default:sticky' }, task_id: 'task-sticky', duration: '1ms' },
		});
		(stream().seedTasks as (tasks: IDataObject[]) => void)([{ taskId: 'task-sticky', status: 'completed' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			streamDelete({ deleteMode: 'hard', options: { verify: true } }),
			[{ callId: 'sticky' }, { callId: 'fine' }],
			onError,
		);
		expect(run.out[0]).toMatchObject({
			error: 'Stream Video: Still readable after deletion',
			details: { provider: 'streamVideo', callId: 'sticky', code: 'STILL_READABLE', answer: expect.stringContaining('default:sticky') },
		});
		expect(run.out[1]).toMatchObject({ callId: 'fine', verified: true });
	});

	test('a hard delete whose task fails is not verified: the item fails and says the erasure is incomplete', async () => {
		stream().seedCalls([{ id: 'stuck', hardDeleteFails: true }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			streamDelete({ deleteMode: 'hard', options: { verify: true } }),
			[{ callId: 'stuck' }],
			onError,
		);
		expect(run.out[0]).toMatchObject({
			error: expect.stringMatching(/task failed, so the erasure is not complete/),
			details: { callId: 'stuck' },
		});
	});

	test('HuskyVoice and Graph verify by looking the call up; the webhook cannot, and says so without failing', async () => {
		husky().seedCalls([{ call_id: 'call_v' }, { call_id: 'call_w' }]);
		const rest = await runNode(bench.store, 'huskyVoice', huskyDelete({ options: { verify: true } }), [{ callId: 'call_v' }]);
		expect(rest.out[0]).toMatchObject({ deleted: true, verified: true });
		expect(requests('husky').map((entry) => entry.method)).toEqual(['DELETE', 'GET']);

		const hook = await runNode(bench.store, 'huskyVoice', huskyDelete({ authentication: 'webhookToken', options: { verify: true } }), [
			{ callId: 'call_w' },
		]);
		expect(hook.out[0]).toMatchObject({
			deleted: true,
			verified: null,
			verificationNote: expect.stringMatching(/webhook can only delete/),
		});

		graphSeed([GRAPH_CALL]);
		const graph = await runNode(bench.store, 'microsoftGraphCalls', graphDelete({ options: { verify: true } }), [{ callId: GRAPH_CALL }]);
		expect(graph.out[0]).toMatchObject({ deleted: true, hungUp: true, verified: true });
	});
});

describe('Idempotent erasure', () => {
	test('a re-delivered HuskyVoice erasure answers not_found for the erased call, and an error for one not completed yet', async () => {
		husky().seedCalls([{ call_id: 'call_done' }, { call_id: 'call_queued', status: 'queued' }]);
		const items = [{ callId: 'call_done' }, { callId: 'call_queued' }];
		const params = huskyDelete({ options: { ignoreNotFound: true, verify: true } });
		const first = await runNode(bench.store, 'huskyVoice', params, items, onError);
		const second = await runNode(bench.store, 'huskyVoice', params, items, onError);
		expect(first.out[0]).toMatchObject({ outcome: 'deleted', deleted: true, verified: true });
		expect(second.out[0]).toMatchObject({ callId: 'call_done', outcome: 'not_found', deleted: false, verified: true });
		for (const run of [first, second]) {
			expect(run.out[1]).toMatchObject({
				error: expect.stringMatching(/queued, not completed/),
				details: { provider: 'huskyVoice', callId: 'call_queued', callStatus: 'queued' },
			});
		}
	});

	test('a HuskyVoice dry run with the webhook credential sends nothing and says why it cannot tell', async () => {
		const run = await runNode(bench.store, 'huskyVoice', huskyDelete({ authentication: 'webhookToken', options: { dryRun: true } }), [
			{ callId: 'call_x' },
		]);
		expect(run.out[0]).toMatchObject({
			provider: 'huskyVoice',
			callId: 'call_x',
			outcome: 'dry_run',
			deleted: false,
			wouldDelete: null,
			note: expect.stringMatching(/webhook/),
		});
		expect(requests('husky')).toHaveLength(0);
	});

	test('an option set by an expression is read for each item; one without is read once for all', async () => {
		// Which items n8n was asked to resolve the Options collection for, by any part of the node.
		// ExecuteContext's getNodeParameter is an arrow per instance that calls the inherited _getNodeParameter.
		const reads = jest.spyOn(ownerOf(ExecuteContext.prototype, '_getNodeParameter'), '_getNodeParameter');
		const optionsReadFor = () => reads.mock.calls.filter(([name]) => name === 'options').map(([, itemIndex]) => itemIndex as number);
		try {
			const run = await runNode(
				bench.store,
				'huskyVoice',
				huskyDelete({ options: { ignoreNotFound: '={{ $json.ignore }}', rateLimitPerMinute: 600 } }),
				[
					{ callId: 'call_gone1', ignore: true },
					{ callId: 'call_gone2', ignore: false },
					{ callId: 'call_gone3', ignore: true },
				],
				onError,
			);
			expect(run.out[0]).toMatchObject({ callId: 'call_gone1', outcome: 'not_found' });
			expect(run.out[1]).toMatchObject({ details: { callId: 'call_gone2', httpStatus: 404 } });
			expect(run.out[2]).toMatchObject({ callId: 'call_gone3', outcome: 'not_found' });
			expect(new Set(optionsReadFor())).toEqual(new Set([0, 1, 2]));

			reads.mockClear();
			const constant = await runNode(
				bench.store,
				'huskyVoice',
				huskyDelete({ options: { ignoreNotFound: true, rateLimitPerMinute: 600 } }),
				[{ callId: 'call_gone4' }, { callId: 'call_gone5' }, { callId: 'call_gone6' }],
				onError,
			);
			expect(constant.out.map((item) => item.outcome)).toEqual(['not_found', 'not_found', 'not_found']);
			// Read for the first item only, and its value used for all three.
			expect(new Set(optionsReadFor())).toEqual(new Set([0]));
		} finally {
			reads.mockRestore();
		}
	});

	test('an expression that fails for one item of a bulk run fails that item alone, in its place', async () => {
		const ids = Array.from({ length: 130 }, (_, index) => `bulk-${index}`);
		stream().seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })));
		// Item 77 has no "call" object: its expression throws; the items around it are resolved and deleted.
		const items = ids.map((id, index) => (index === 77 ? { other: id } : { call: { id } }));
		const run = await runNode(bench.store, 'streamVideo', streamDelete({ callId: '={{ $json.call.id }}' }), items, onError);
		expect(run.out).toHaveLength(130);
		expect(run.out[77]).toMatchObject({ error: expect.any(String) });
		const others = run.out.filter((_, index) => index !== 77);
		expect(others.map((item) => item.callId)).toEqual(ids.filter((_, index) => index !== 77));
		expect(others.every((item) => item.deleted === true)).toBe(true);
		expect(requests('stream').filter((entry) => entry.method === 'POST')).toHaveLength(129);
	});

	test("{{ $json.callId }} gives what n8n's expression engine gives, for text, numbers, null, objects and missing fields", async () => {
		const items = [
			{ callId: 'same-1' },
			{ callId: 12345 },
			{ callId: null },
			{ callId: { id: 'x' } },
			{},
			{ callId: '' },
			{ callId: 'same-2' },
		];
		const outputs = [];
		// `$json.callId` is read directly from the item; `$json["callId"]` always goes through n8n's engine.
		for (const callId of ['={{ $json.callId }}', '={{ $json["callId"] }}']) {
			stream().seedCalls([
				{ type: 'default', id: 'same-1' },
				{ type: 'default', id: 'same-2' },
			]);
			const run = await runNode(bench.store, 'streamVideo', streamDelete({ callId }), items, onError);
			outputs.push(
				run.out.map((item) =>
					item.error !== undefined ? { error: item.error, details: item.details } : { callId: item.callId, outcome: item.outcome },
				),
			);
		}
		expect(outputs[0]).toEqual(outputs[1]);
		expect(outputs[0].map((item) => ('outcome' in item ? item.outcome : 'error'))).toEqual([
			'deleted',
			'error',
			'error',
			'error',
			'error',
			'error',
			'deleted',
		]);
	});

	test('an invalid call ID fails its own item only, naming the provider and the ID', async () => {
		husky().seedCalls([{ call_id: 'call_ok' }]);
		const run = await runNode(bench.store, 'huskyVoice', huskyDelete(), [{ callId: '../x' }, { callId: 'call_ok' }], onError);
		expect(run.out[0]).toMatchObject({ error: expect.stringMatching(/not allowed/), details: { provider: 'huskyVoice', callId: '../x' } });
		expect(run.out[1]).toMatchObject({ callId: 'call_ok', deleted: true });
	});
});

describe('Stream recordings and transcriptions', () => {
	const files = (kind: 'recording' | 'transcription', operation: string, extra: IDataObject = {}) => ({
		resource: kind,
		operation,
		callType: 'default',
		callId: '={{ $json.callId }}',
		...extra,
	});

	test('retention: list recordings older than 30 days, delete them with an audit record, keep the call', async () => {
		stream().seedCalls([
			{
				id: 'kept-call',
				recordings: [
					{ session_id: 's1', filename: 'old.mp4', end_time: daysAgo(45) },
					{ session_id: 's2', filename: 'new.mp4', end_time: daysAgo(2) },
				],
			},
		]);
		const listed = await runNode(bench.store, 'streamVideo', files('recording', 'getMany', { filters: { endedBefore: daysAgo(30) } }), [
			{ callId: 'kept-call' },
		]);
		expect(listed.out).toEqual([
			expect.objectContaining({
				cid: 'default:kept-call',
				sessionId: 's1',
				filename: 'old.mp4',
				recordingType: 'composite',
				endTime: expect.any(String),
			}),
		]);

		const params = files('recording', 'delete', {
			sessionId: '={{ $json.sessionId }}',
			filename: '={{ $json.filename }}',
			options: { verify: true },
		});
		const deleted = await runNode(bench.store, 'streamVideo', params, listed.out);
		expect(deleted.out[0]).toMatchObject({
			provider: 'streamVideo',
			callId: 'kept-call',
			cid: 'default:kept-call',
			sessionId: 's1',
			filename: 'old.mp4',
			outcome: 'deleted',
			deleted: true,
			httpStatus: 200,
			verified: true,
			requestedAt: expect.any(String),
			completedAt: expect.any(String),
		});
		expect(
			requests('stream').some((entry) => entry.method === 'DELETE' && entry.path.endsWith('/default/kept-call/s1/recordings/old.mp4')),
		).toBe(true);
		const call = stream().getCall('default', 'kept-call');
		expect(call?.deleted).toBe(false);
		expect((call?.recordings as IDataObject[]).map((file) => file.filename)).toEqual(['new.mp4']);

		const again = await runNode(bench.store, 'streamVideo', { ...params, options: { ignoreNotFound: true } }, listed.out);
		expect(again.out[0]).toMatchObject({ outcome: 'not_found', deleted: false, filename: 'old.mp4' });
	});

	test('transcriptions: dry run, delete, and an unknown file is a clear error naming the file', async () => {
		stream().seedCalls([{ id: 'tc', transcriptions: [{ session_id: 's1', filename: 'transcript.jsonl' }] }]);
		const base = files('transcription', 'delete', { sessionId: 's1', filename: '={{ $json.filename }}' });
		const dry = await runNode(bench.store, 'streamVideo', { ...base, options: { dryRun: true } }, [
			{ callId: 'tc', filename: 'transcript.jsonl' },
		]);
		expect(dry.out[0]).toMatchObject({ outcome: 'dry_run', wouldDelete: true, deleted: false });
		const missing = await runNode(
			bench.store,
			'streamVideo',
			{ ...base, options: { dryRun: true } },
			[{ callId: 'tc', filename: 'gone.jsonl' }],
			onError,
		);
		expect(missing.out[0]).toMatchObject({ details: { provider: 'streamVideo', callId: 'tc', sessionId: 's1', filename: 'gone.jsonl' } });
		expect((stream().getCall('default', 'tc')?.transcriptions as IDataObject[]).length).toBe(1);

		const run = await runNode(
			bench.store,
			'streamVideo',
			base,
			[
				{ callId: 'tc', filename: 'transcript.jsonl' },
				{ callId: 'tc', filename: 'missing.jsonl' },
			],
			onError,
		);
		expect(run.out[0]).toMatchObject({ outcome: 'deleted', filename: 'transcript.jsonl', httpStatus: 200 });
		expect(run.out[1]).toMatchObject({
			error: expect.stringMatching(/transcription doesn't exist/),
			details: { provider: 'streamVideo', callId: 'tc', filename: 'missing.jsonl', httpStatus: 404 },
		});
	});

	test('a hard delete of the call erases its recordings and transcriptions stored on Stream', async () => {
		stream().seedCalls([{ id: 'whole', recordings: [{ filename: 'r.mp4' }], transcriptions: [{ filename: 't.jsonl' }] }]);
		await runNode(bench.store, 'streamVideo', streamDelete({ deleteMode: 'hard', options: { verify: true } }), [{ callId: 'whole' }]);
		const listed = await runNode(bench.store, 'streamVideo', files('recording', 'getMany'), [{ callId: 'whole' }], onError);
		expect(listed.out[0]).toMatchObject({ details: { httpStatus: 404 } });
		expect(stream().getCall('default', 'whole')).toMatchObject({ recordings: [], transcriptions: [] });
	});
});

describe('Stream Video Trigger keeps going', () => {
	test('a task ID Stream refuses for good is emitted once as error; the other tasks are still watched', async () => {
		stream().seedTasks([
			{ taskId: 'task-ok', status: 'completed' },
			// Runs until the test finishes it: no machine speed decides which poll sees it done.
			{ taskId: 'task-later', status: 'running', finishAfterMs: 3_600_000 },
		]);
		// A 400 on this ID is about the task for good (a 403 fails the poll instead: trigger-poll-failure.test.ts).
		bench.emulator.faults.add({ provider: 'stream', path: '/tasks/task-refused$', type: 'status', status: 400 });
		const state: IDataObject = {};
		const poll = async () =>
			await pollTrigger(bench.store, {
				credentialId: 'stream',
				staticData: state,
				parameters: { event: 'hardDeleteFinished', taskIds: 'task-refused, task-ok, task-later' },
			});
		const first = await poll();
		expect(first?.map((item) => [item.taskId, item.status])).toEqual([
			['task-refused', 'error'],
			['task-ok', 'completed'],
		]);
		expect(first?.[0].error).toMatchObject({ httpStatus: 400, message: expect.stringMatching(/^Stream Video: /) });
		stream().seedTasks([{ taskId: 'task-later', status: 'completed' }]);
		bench.emulator.log.clear();
		const second = await poll();
		expect(second?.map((item) => [item.taskId, item.status])).toEqual([['task-later', 'completed']]);
		expect(requests('stream').map((entry) => entry.path.split('/').pop())).toEqual(['task-later']);
	});

	test('a refused credential (401) still fails the poll', async () => {
		bench.store.set('stream', { apiKey: 'sandbox-stream-key', apiSecret: 'wrong-secret-123', baseUrl: bench.emulator.streamBaseUrl });
		await expect(
			pollTrigger(bench.store, { credentialId: 'stream', staticData: {}, parameters: { event: 'hardDeleteFinished', taskIds: 'task-a' } }),
		).rejects.toThrow(/signature is not valid/);
	});
});

test('a recording delete in a re-run of an interrupted run says a missing file was possibly erased by that run', async () => {
	stream().seedCalls([{ id: 'rec-call', recordings: [{ filename: 'kept.mp4', session_id: 's-1' }] }]);
	const run = await runNode(
		bench.store,
		'streamVideo',
		{
			resource: 'recording',
			operation: 'delete',
			callType: 'default',
			callId: 'rec-call',
			sessionId: 's-1',
			filename: '={{ $json.filename }}',
			options: { ignoreNotFound: true, rerunOfInterruptedRun: true },
		},
		[{ filename: 'kept.mp4' }, { filename: 'gone.mp4' }],
	);
	expect(run.out[0]).toMatchObject({ outcome: 'deleted', filename: 'kept.mp4' });
	expect(run.out[0].note).toBeUndefined();
	expect(run.out[1]).toMatchObject({
		outcome: 'not_found',
		filename: 'gone.mp4',
		rerunOfInterruptedRun: true,
		note: expect.stringMatching(/interrupted earlier run/),
	});
});
