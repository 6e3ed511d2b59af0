/**
 * An erasure tool is judged by how it fails. Each test here pins one way the nodes once failed open: an option
 * that was not what it had to be, a "verified" that nothing showed, an erasure left off the record.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode, useEmulators } from './setup';

const bench = useEmulators();

type Controls = Record<string, (...args: never[]) => unknown>;
const stream = () =>
	bench.emulator.stream as unknown as Controls & {
		seedCalls(calls: IDataObject[]): void;
		getCall(type: string, id: string): IDataObject | undefined;
	};
const husky = () =>
	bench.emulator.husky as unknown as { seedCalls(calls: IDataObject[]): void; getCall(id: string): IDataObject | undefined };
const graphSeed = (ids: string[]) => (bench.emulator.graph.seedCalls as (calls: IDataObject[]) => void)(ids.map((id) => ({ id })));
const sent = (provider: string, method?: string) =>
	bench.emulator.log.entries({ provider }).filter((entry) => method === undefined || entry.method === method);
const onError = { onError: 'continueRegularOutput' as const };
const GRAPH_CALL = '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4';

/** What an expression gives when it reads a form or webhook field, and what a missing field gives. */
const NOT_BOOLEANS: Array<[string, unknown]> = [
	['the text "true"', 'true'],
	['the text "false"', 'false'],
	['the number 1', 1],
	['empty text', ''],
	['nothing', undefined],
];

describe('Every option reads exactly one way: a value of the wrong type fails its item before any request', () => {
	test.each(NOT_BOOLEANS)('Dry Run set by an expression to %s deletes nothing on any provider', async (_name, dry) => {
		stream().seedCalls([{ id: 'keep-1' }]);
		husky().seedCalls([{ call_id: 'call_keep' }]);
		graphSeed([GRAPH_CALL]);
		const options = { dryRun: '={{ $json.dry }}' };
		const item = dry === undefined ? {} : { dry };

		const runs = [
			await runNode(
				bench.store,
				'streamVideo',
				{ resource: 'call', operation: 'delete', callType: 'default', callId: 'keep-1', deleteMode: 'hard', options },
				[item],
				onError,
			),
			await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_keep', options }, [item], onError),
			await runNode(
				bench.store,
				'microsoftGraphCalls',
				{ resource: 'call', operation: 'delete', callId: GRAPH_CALL, options },
				[item],
				onError,
			),
			await runNode(
				bench.store,
				'streamVideo',
				{ resource: 'recording', operation: 'delete', callType: 'default', callId: 'keep-1', sessionId: 's1', filename: 'f.mp4', options },
				[item],
				onError,
			),
		];
		for (const run of runs) {
			expect(run.out).toHaveLength(1);
			expect(run.out[0].error).toMatch(/^Dry Run must be true or false, but the expression gave /);
			expect(run.out[0].deleted).toBeUndefined();
			// The failed item still names what it was about.
			expect((run.out[0].details as IDataObject).callId).toEqual(expect.any(String));
		}
		expect(bench.emulator.log.entries()).toHaveLength(0);
		expect(stream().getCall('default', 'keep-1')).toMatchObject({ id: 'keep-1' });
		expect(stream().getCall('default', 'keep-1')?.deletedMode).toBeUndefined();
		expect(husky().getCall('call_keep')).toBeDefined();
	});

	test('Dry Run given a real boolean by an expression still works both ways, item by item', async () => {
		stream().seedCalls([{ id: 'look-1' }, { id: 'gone-1' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', options: { dryRun: '={{ $json.dry }}' } },
			[
				{ id: 'look-1', dry: true },
				{ id: 'gone-1', dry: false },
			],
		);
		expect(run.out.map((item) => item.outcome)).toEqual(['dry_run', 'deleted']);
		expect(stream().getCall('default', 'look-1')?.deletedMode).toBeUndefined();
	});

	test('Verify Erasure, Ignore Not Found and Re-Run given text fail the item; nothing is deleted', async () => {
		husky().seedCalls([{ call_id: 'call_a' }, { call_id: 'call_b' }, { call_id: 'call_c' }]);
		const run = await runNode(
			bench.store,
			'huskyVoice',
			{
				resource: 'call',
				operation: 'delete',
				callId: '={{ $json.id }}',
				options: { verify: '={{ $json.verify }}', ignoreNotFound: '={{ $json.ignore }}', rerunOfInterruptedRun: '={{ $json.rerun }}' },
			},
			[
				{ id: 'call_a', verify: 'true', ignore: false, rerun: false },
				{ id: 'call_b', verify: true, ignore: 'yes', rerun: false },
				{ id: 'call_c', verify: true, ignore: false, rerun: 0 },
			],
			onError,
		);
		expect(run.out.map((item) => item.error)).toEqual([
			'Verify Erasure must be true or false, but the expression gave the text "true"',
			'Ignore Not Found must be true or false, but the expression gave the text "yes"',
			'Re-Run of an Interrupted Run must be true or false, but the expression gave the number 0',
		]);
		expect(run.out.map((item) => (item.details as IDataObject).callId)).toEqual(['call_a', 'call_b', 'call_c']);
		expect(sent('husky')).toHaveLength(0);
	});

	test('Delete Mode must be "soft" or "hard": anything else fails before any request', async () => {
		stream().seedCalls([{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', deleteMode: '={{ $json.mode }}' },
			[
				{ id: 'm1', mode: 'HARD' },
				{ id: 'm2', mode: '' },
				{ id: 'm3', mode: 'hard' },
			],
			onError,
		);
		expect(run.out[0].error).toBe('Delete Mode must be one of "soft", "hard", but the expression gave the text "HARD"');
		expect(run.out[1].error).toBe('Delete Mode must be one of "soft", "hard", but the expression gave empty text');
		expect(run.out[2]).toMatchObject({ callId: 'm3', outcome: 'deleted', deleteMode: 'hard' });
		expect(sent('stream', 'POST').map((entry) => entry.path)).toEqual([expect.stringMatching(/\/m3\/delete$/)]);
	});

	test('Simplify given the text "false" fails instead of returning the full answer; Wait Timeout given text fails', async () => {
		stream().seedCalls([{ id: 'p1' }]);
		const get = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'get', callType: 'default', callId: 'p1', simplify: '={{ $json.simplify }}' },
			[{ simplify: 'false' }],
			onError,
		);
		expect(get.out[0].error).toBe('Simplify must be true or false, but the expression gave the text "false"');

		const wait = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: 'p1',
				deleteMode: 'hard',
				options: { waitForCompletion: true, waitTimeout: '={{ $json.timeout }}' },
			},
			[{ timeout: '60' }],
			onError,
		);
		expect(wait.out[0].error).toBe('Wait Timeout (Seconds) must be a number (at least 1), but the expression gave the text "60"');
		expect(sent('stream', 'POST')).toHaveLength(0);
	});
});

describe('"Verified" means seen gone, in the answer\'s documented shape', () => {
	test('a Stream soft delete is never verified as an erasure: Stream keeps its data', async () => {
		stream().seedCalls([{ id: 'soft-v' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: 'soft-v', options: { verify: true } },
			[{}],
		);
		expect(run.out[0]).toMatchObject({ outcome: 'deleted', deleted: true, deleteMode: 'soft', verified: null });
		expect(run.out[0].verificationNote).toMatch(/Stream keeps its data/);
		expect(run.out[0].verifiedAt).toBeUndefined();
		expect(stream().getCall('default', 'soft-v')?.deletedMode).toBe('soft');
	});

	test('a recording list answer without its list is not "gone": the delete stays on record, unverified', async () => {
		(stream().seedCalls as (calls: IDataObject[]) => void)([
			{ id: 'rec-call', recordings: [{ session_id: 's1', filename: 'keep.mp4', url: 'https://files.invalid/keep.mp4' }] },
		]);
		// The delete goes to Stream; the look-up answers 200 with no recordings array, as a proxy or a new API version might.
		bench.emulator.faults.add({
			provider: 'stream',
			method: 'GET',
			path: '/recordings$',
			type: 'status',
			status: 200,
			body: { duration: '1ms' },
		});
		const run = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'recording',
				operation: 'delete',
				callType: 'default',
				callId: 'rec-call',
				sessionId: 's1',
				filename: 'keep.mp4',
				options: { verify: true },
			},
			[{}],
		);
		expect(run.out[0]).toMatchObject({ outcome: 'deleted', deleted: true, verified: null });
		expect(run.out[0].verificationNote).toMatch(/unexpected shape \(the answer has no recordings list\)/);
	});

	test('HuskyVoice: a look-up 404 that is not NOT_FOUND (a gateway) is no proof the call is gone', async () => {
		husky().seedCalls([{ call_id: 'call_routed' }]);
		bench.emulator.faults.add([
			{
				provider: 'husky',
				method: 'DELETE',
				type: 'status',
				status: 404,
				body: { error: { code: 'NOT_FOUND', message: 'No completed call' } },
			},
			{ provider: 'husky', method: 'GET', type: 'status', status: 404, body: { message: 'no route' } },
		]);
		const run = await runNode(
			bench.store,
			'huskyVoice',
			{ resource: 'call', operation: 'delete', callId: 'call_routed', options: { verify: true, ignoreNotFound: true } },
			[{}],
			onError,
		);
		expect(run.out[0].error).toMatch(/404 that is not HuskyVoice's NOT_FOUND/);
		expect(run.out[0].verified).toBeUndefined();
		expect(run.out[0].details).toMatchObject({ callId: 'call_routed' });
	});
});

describe('An erasure that happened is always on record', () => {
	test('HuskyVoice: delete confirmed, then the look-up fails: the record stays, unverified, with the reason', async () => {
		husky().seedCalls([{ call_id: 'call_kept' }]);
		bench.emulator.faults.add({
			provider: 'husky',
			method: 'GET',
			type: 'status',
			status: 503,
			body: { error: { code: 'UNAVAILABLE', message: 'down' } },
		});
		const run = await runNode(
			bench.store,
			'huskyVoice',
			{ resource: 'call', operation: 'delete', callId: 'call_kept', options: { verify: true, maxAttempts: 2 } },
			[{}],
		);
		expect(run.error).toBeUndefined();
		expect(run.out[0]).toMatchObject({ callId: 'call_kept', outcome: 'deleted', deleted: true, httpStatus: 200, verified: null });
		expect(run.out[0].requestedAt).toEqual(expect.stringMatching(/^\d{4}-/));
		expect(run.out[0].verificationNote).toMatch(/look-up after the delete failed \(HuskyVoice: down/);
		expect(husky().getCall('call_kept')).toBeUndefined();
	});

	test('a run that stops on an error (On Error: Stop) names the calls it had already deleted', async () => {
		stream().seedCalls([{ id: 'first' }, { id: 'second' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: '={{ $json.id }}',
				deleteMode: 'hard',
				options: { concurrency: 1 },
			},
			[{ id: 'first' }, { id: 'second' }, { id: 'missing' }],
		);
		expect(run.error?.message).toMatch(/Can't find call/);
		const description = String(run.error?.description);
		expect(description).toMatch(
			/already deleted 2 item\(s\), which are in no output: item 0: default:first \(task [^)]+\); item 1: default:second/,
		);
		const deletedBeforeStop = (run.error?.context as IDataObject).deletedBeforeStop as IDataObject[];
		expect(deletedBeforeStop).toEqual([
			expect.objectContaining({ itemIndex: 0, provider: 'streamVideo', callId: 'first', cid: 'default:first', taskId: expect.any(String) }),
			expect.objectContaining({ itemIndex: 1, callId: 'second', cid: 'default:second', taskId: expect.any(String) }),
		]);
	});
});

describe('A filter never widens a search by coming out empty', () => {
	test('Get Many with a person filter that came out empty, or not as text, fails instead of listing every call', async () => {
		stream().seedCalls([
			{ id: 'someone-else', members: ['stranger'] } as IDataObject,
			{ id: 'theirs', members: ['person-1'], created_by_user_id: 'person-1' } as IDataObject,
		]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'call',
				operation: 'getMany',
				returnAll: true,
				filters: { memberIds: '={{ $json.userId }}', createdByUserId: '={{ $json.creator }}' },
			},
			[
				{ creator: 'person-1' },
				{ userId: '  ', creator: 'person-1' },
				{ userId: 'person-1', creator: 42 },
				{ userId: 'person-1', creator: 'person-1' },
			],
			onError,
		);
		expect(run.out.slice(0, 3).map((item) => item.error)).toEqual([
			'The filter Member User IDs is empty',
			'The filter Member User IDs is empty',
			'The filter Created By User ID must be text, but it is the number 42',
		]);
		expect(sent('stream')).toHaveLength(1);
		expect(run.out.slice(3).map((item) => item.callId)).toEqual(['theirs']);
	});

	test('a recording retention filter that came out empty fails instead of listing every recording of the call', async () => {
		stream().seedCalls([{ id: 'rec-keep', recordings: [{ session_id: 's1', filename: 'keep.mp4' }] } as IDataObject]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'recording',
				operation: 'getMany',
				callType: 'default',
				callId: 'rec-keep',
				filters: { endedBefore: '={{ $json.cutoff }}' },
			},
			[{}],
			onError,
		);
		expect(run.out).toEqual([expect.objectContaining({ error: 'The filter Ended Before is empty' })]);
		expect(sent('stream')).toHaveLength(0);
	});
});
