/**
 * The three action nodes and four credentials inside a real n8n, installed from the packed tarball:
 * 2.41.1 by default, 1.123.81 with N8N_VERSION=1.x (`npm run test:compat`).
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';
import { daysAgo, sandbox } from '../../dev/emulators/client';
import { settledExecutions } from '../../dev/executions';

jest.setTimeout(300_000);

let bench: RealN8n;

beforeAll(async () => {
	bench = await bootRealN8n();
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

const log = (provider: string) => bench.emulator.log.entries({ provider });
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const byCallId = { callId: '={{ $json.callId }}' };

describe('Stream Video in real n8n', () => {
	const seed = (ids: string[], extra: IDataObject = {}) =>
		bench.emulator.stream.seedCalls(
			ids.map((id) => ({
				type: 'default',
				id,
				ended_at: daysAgo(40),
				...extra,
			})) as never,
		);
	const streamCall = (id: string) =>
		(bench.emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', id);

	test('soft delete: audit items in order; a missing call is an error item, or not_found when ignored', async () => {
		seed(['s1', 's2']);
		const strict = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				onError: 'continueRegularOutput',
				parameters: {
					resource: 'call',
					operation: 'delete',
					callType: 'default',
					...byCallId,
				},
			},
			[{ callId: 's1' }, { callId: 'missing' }, { callId: 's2' }],
		);
		expect(strict.status).toBe(200);
		expect(strict.items).toHaveLength(3);
		expect(strict.items[0]).toMatchObject({
			provider: 'streamVideo',
			callId: 's1',
			deleted: true,
			outcome: 'deleted',
			httpStatus: 201,
			deleteMode: 'soft',
		});
		expect(strict.items[1].error).toMatch(/Can't find call/);
		expect(strict.items[1].details).toMatchObject({
			provider: 'streamVideo',
			callId: 'missing',
			httpStatus: 404,
			code: '16',
		});
		expect((strict.items[1].details as IDataObject).description).toMatch(/Ignore Not Found/);
		expect(strict.items[2]).toMatchObject({ callId: 's2', outcome: 'deleted' });
		expect(streamCall('s1')?.deleted).toBeTruthy();

		const lenient = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				parameters: {
					resource: 'call',
					operation: 'delete',
					callType: 'default',
					...byCallId,
					options: { ignoreNotFound: true },
				},
			},
			[{ callId: 'missing' }],
		);
		expect(lenient.items).toEqual([
			expect.objectContaining({
				callId: 'missing',
				deleted: false,
				outcome: 'not_found',
				httpStatus: 404,
			}),
		]);
	});

	test('hard delete with Wait for Completion ends with each task’s final status', async () => {
		bench.emulator.stream.configure({
			taskPendingMs: 300,
			taskRunningMs: 700,
		} as never);
		seed(['h1', 'h2']);
		seed(['hfail'], { hardDeleteFails: true });
		const run = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				parameters: {
					resource: 'call',
					operation: 'delete',
					callType: 'default',
					...byCallId,
					deleteMode: 'hard',
					options: { waitForCompletion: true, waitTimeout: 60 },
				},
			},
			[{ callId: 'h1' }, { callId: 'hfail' }, { callId: 'h2' }],
		);
		expect(run.items.map((item) => [item.callId, item.deleteMode, item.taskStatus])).toEqual([
			['h1', 'hard', 'completed'],
			['hfail', 'hard', 'failed'],
			['h2', 'hard', 'completed'],
		]);
		for (const item of run.items) expect(item.taskId).toEqual(expect.any(String));
		expect(log('stream').filter((entry) => entry.path.includes('/tasks/')).length).toBeGreaterThanOrEqual(3);
	});

	test('dry run deletes nothing; Get Many lists past calls, ended or left open, but not one with people in it', async () => {
		seed(['old1', 'old2']);
		seed(['left-open'], { ended_at: null });
		seed(['live'], { ended_at: null, participants: ['someone'] });
		const dry = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				parameters: {
					resource: 'call',
					operation: 'delete',
					callType: 'default',
					...byCallId,
					options: { dryRun: true },
				},
			},
			[{ callId: 'old1' }],
		);
		expect(dry.items[0]).toMatchObject({
			callId: 'old1',
			deleted: false,
			outcome: 'dry_run',
		});
		expect(streamCall('old1')?.deleted).toBeFalsy();

		const many = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				parameters: {
					resource: 'call',
					operation: 'getMany',
					returnAll: true,
					filters: {},
				},
			},
			[{}],
		);
		expect(many.items.map((item) => item.callId).sort()).toEqual(['left-open', 'old1', 'old2']);
	});
});

describe('Microsoft Graph Calls in real n8n', () => {
	const hangUp = {
		type: 'microsoftGraphCalls',
		credential: 'graph' as const,
		parameters: { resource: 'call', operation: 'delete', ...byCallId },
	};

	test('500 hang-ups use one token; the token is reused by the next execution and refetched once when it expires', async () => {
		const ids = Array.from({ length: 500 }, (_, index) => guid(index));
		bench.emulator.graph.seedCalls(ids.map((id) => ({ id })) as never);
		const first = await runThroughWebhook(
			bench,
			hangUp,
			ids.map((callId) => ({ callId })),
		);
		expect(first.items).toHaveLength(500);
		expect(first.items.every((item) => item.deleted === true && item.outcome === 'deleted' && item.httpStatus === 204)).toBe(true);
		expect(first.items.map((item) => item.callId)).toEqual(ids);
		expect(first.items[0].requestId).toEqual(expect.any(String));
		// The token is stored (encrypted) with the credential, so another execution can skip the token endpoint.
		const tokensAfterFirst = log('login').length;
		expect(tokensAfterFirst).toBeLessThanOrEqual(1);

		bench.emulator.graph.seedCalls([{ id: guid(9001) }, { id: guid(9002) }] as never);
		bench.emulator.graph.expireAllTokens();
		const afterExpiry = await runThroughWebhook(bench, hangUp, [{ callId: guid(9001) }, { callId: guid(9002) }]);
		expect(afterExpiry.items.map((item) => item.outcome)).toEqual(['deleted', 'deleted']);
		expect(log('login').length - tokensAfterFirst).toBe(1);
	});

	test('a call that already ended (8522) is explained; with Ignore Not Found it is not_found', async () => {
		const strict = await runThroughWebhook(bench, { ...hangUp, onError: 'continueRegularOutput' }, [{ callId: guid(77) }]);
		expect(strict.items[0].error).toBeDefined();
		expect(JSON.stringify(strict.items[0])).toMatch(/already ended|no longer exists/i);
		expect(strict.items[0].details).toMatchObject({
			provider: 'microsoftGraph',
			httpStatus: 404,
			code: '8522',
		});

		const lenient = await runThroughWebhook(
			bench,
			{
				...hangUp,
				parameters: { ...hangUp.parameters, options: { ignoreNotFound: true } },
			},
			[{ callId: guid(77) }],
		);
		expect(lenient.items[0]).toMatchObject({
			outcome: 'not_found',
			deleted: false,
			httpStatus: 404,
		});
	});
});

describe('HuskyVoice in real n8n', () => {
	const seed = (calls: Array<[string, string]>) =>
		bench.emulator.husky.seedCalls(calls.map(([call_id, status]) => ({ call_id, status })) as never);
	const huskyCall = (id: string) => (bench.emulator.husky.getCall as (id: string) => IDataObject | undefined)(id);

	test('REST erasure of completed calls; a pending call is explained and can be cancelled', async () => {
		seed([
			['call_done', 'completed'],
			['call_queued', 'queued'],
		]);
		const run = await runThroughWebhook(
			bench,
			{
				type: 'huskyVoice',
				credential: 'husky',
				onError: 'continueRegularOutput',
				parameters: {
					authentication: 'apiKey',
					resource: 'call',
					operation: 'delete',
					...byCallId,
				},
			},
			[{ callId: 'call_done' }, { callId: 'call_queued' }],
		);
		expect(run.items[0]).toMatchObject({
			provider: 'huskyVoice',
			callId: 'call_done',
			deleted: true,
			outcome: 'deleted',
			httpStatus: 200,
		});
		expect(run.items[1].details).toMatchObject({
			httpStatus: 404,
			code: 'NOT_FOUND',
			callId: 'call_queued',
		});
		expect(JSON.stringify(run.items[1])).toMatch(/Cancel/);
		expect(huskyCall('call_done')).toBeUndefined();
		expect(log('husky')[0].headers['x-api-key']).toBe(sandbox.husky.apiKey);

		const cancel = await runThroughWebhook(
			bench,
			{
				type: 'huskyVoice',
				credential: 'husky',
				parameters: {
					authentication: 'apiKey',
					resource: 'call',
					operation: 'cancel',
					...byCallId,
				},
			},
			[{ callId: 'call_queued' }],
		);
		expect(cancel.items[0]).toMatchObject({ callId: 'call_queued' });
		expect(huskyCall('call_queued')?.status).toBe('cancelled');
	});

	test('Stop in n8n during a bulk erasure: the calls still waiting for the rate limit are never deleted', async () => {
		const ids = Array.from({ length: 20 }, (_, index) => `call_stop${index}`);
		seed(ids.map((id) => [id, 'completed']));
		(bench.emulator.husky.configure as (config: IDataObject) => void)({ rateLimitPerMinute: 5 });
		const deletes = () => log('husky').filter((entry) => entry.method === 'DELETE').length;

		// 5 go at once, the other 15 wait for the next minute; the user presses Stop meanwhile.
		const run = await runThroughWebhook(
			bench,
			{
				type: 'huskyVoice',
				credential: 'husky',
				parameters: { authentication: 'apiKey', resource: 'call', operation: 'delete', ...byCallId, options: { rateLimitPerMinute: 5 } },
			},
			ids.map((callId) => ({ callId })),
			{
				whileRunning: async (workflowId) => {
					while (deletes() < 5) await new Promise((resolve) => setTimeout(resolve, 100));
					const running = (await bench.n8n.api('GET', `/executions?workflowId=${workflowId}&status=running`)).data as IDataObject[];
					expect(running).toHaveLength(1);
					await bench.n8n.stopExecution(String(running[0].id));
				},
			},
		);

		// The list can show an execution n8n has not finished yet: wait until it has (dev/executions.ts).
		const [execution] = await settledExecutions(bench.n8n, run.workflowId);
		expect(execution.status).toBe('canceled');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(deletes()).toBe(5);
		expect(ids.filter((id) => huskyCall(id) !== undefined)).toHaveLength(15);
	});

	test('webhook erasure: the token travels only in the hook URL, never in the output', async () => {
		seed([['call_hook', 'completed']]);
		const run = await runThroughWebhook(
			bench,
			{
				type: 'huskyVoice',
				credential: 'huskyWebhook',
				onError: 'continueRegularOutput',
				parameters: {
					authentication: 'webhookToken',
					resource: 'call',
					operation: 'delete',
					...byCallId,
				},
			},
			[{ callId: 'call_hook' }, { callId: 'call_unknown' }],
		);
		expect(run.items[0]).toMatchObject({
			callId: 'call_hook',
			deleted: true,
			outcome: 'deleted',
		});
		expect(run.items[1].error).toBeDefined();
		const [hook] = log('husky');
		expect(hook.path).toBe(`/husky/v1/hooks/${sandbox.husky.webhookToken}`);
		expect(hook.body).toMatchObject({
			action: 'call.delete',
			data: { call_id: 'call_hook' },
		});
		expect(JSON.stringify(run.items)).not.toContain(sandbox.husky.webhookToken);
		expect(huskyCall('call_hook')).toBeUndefined();
	});
});

describe('credential tests in real n8n (the "Test" button)', () => {
	const testWith = (key: keyof RealN8n['credentials'], override: IDataObject = {}) => {
		const credential = bench.credentials[key];
		return bench.n8n.testCredential({
			id: credential.id,
			name: credential.name,
			type: credential.type,
			data: { ...credential.data, ...override },
		});
	};

	test.each([
		['stream', { apiSecret: 'not-the-secret' }],
		['graph', { clientSecret: 'not-the-secret' }],
		['husky', { apiKey: 'sk_test_wrong' }],
	] as const)('%s: valid settings pass, a wrong secret fails', async (key, wrong) => {
		expect((await testWith(key)).data).toEqual({
			status: 'OK',
			message: expect.any(String),
		});
		const failed = (await testWith(key, wrong)).data;
		expect(failed.status).toBe('Error');
		for (const secret of Object.values(wrong)) expect(failed.message).not.toContain(secret);
	});
});

describe('secret hygiene in real n8n', () => {
	test("n8n's own log of every run above holds no secret", () => {
		const logs = bench.n8n.logs();
		expect(logs.length).toBeGreaterThan(0);
		for (const secret of [sandbox.stream.apiSecret, sandbox.graph.clientSecret, sandbox.husky.apiKey, sandbox.husky.webhookToken]) {
			expect(logs).not.toContain(secret);
		}
	});
});
