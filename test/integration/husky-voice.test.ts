import type { IDataObject } from 'n8n-workflow';

import { runNode, sandbox, useEmulators } from './setup';

const bench = useEmulators();

const seed = (calls: Array<[string, string]>) =>
	bench.emulator.husky.seedCalls(calls.map(([call_id, status]) => ({ call_id, status })) as never);
const huskyLog = () => bench.emulator.log.entries({ provider: 'husky' });
const del = (extra: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', ...extra });

describe('HuskyVoice', () => {
	test('deletes completed calls over REST with x-api-key', async () => {
		seed([
			['call_a', 'completed'],
			['call_b', 'completed'],
		]);
		const run = await runNode(bench.store, 'huskyVoice', del(), [{ callId: 'call_a' }, { callId: 'call_b' }]);
		expect(run.out.map((item) => [item.callId, item.outcome, item.deleted, item.httpStatus, item.via])).toEqual([
			['call_a', 'deleted', true, 200, 'api'],
			['call_b', 'deleted', true, 200, 'api'],
		]);
		expect(huskyLog()[0]).toMatchObject({ method: 'DELETE', headers: expect.objectContaining({ 'x-api-key': sandbox.husky.apiKey }) });
	});

	test.each([
		['bearer', { authorization: `Bearer ${sandbox.husky.apiKey}` }],
		['both', { authorization: `Bearer ${sandbox.husky.apiKey}`, 'x-api-key': sandbox.husky.apiKey }],
	])('authHeader "%s" sends the key as chosen', async (authHeader, expected) => {
		seed([['call_h', 'completed']]);
		bench.store.set('husky', { apiKey: sandbox.husky.apiKey, authHeader, baseUrl: bench.emulator.huskyBaseUrl });
		const run = await runNode(bench.store, 'huskyVoice', del(), [{ callId: 'call_h' }]);
		expect(run.out[0].deleted).toBe(true);
		expect(huskyLog()[0].headers).toMatchObject(expected);
	});

	test('a queued call cannot be deleted: the node looks it up and says so, even with Ignore Not Found', async () => {
		seed([
			['call_q', 'queued'],
			['call_p', 'in_progress'],
		]);
		const run = await runNode(
			bench.store,
			'huskyVoice',
			del({ options: { ignoreNotFound: true } }),
			[{ callId: 'call_q' }, { callId: 'call_p' }],
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(run.out[0].error).toMatch(/call_q is queued, not completed/);
		expect(run.out[0].details).toMatchObject({
			provider: 'huskyVoice',
			callId: 'call_q',
			httpStatus: 404,
			code: 'NOT_FOUND',
			callStatus: 'queued',
		});
		expect(String((run.out[0].details as IDataObject).description)).toMatch(/Cancel it/);
		expect(run.out[1].error).toMatch(/call_p is in_progress/);
		expect(String((run.out[1].details as IDataObject).description)).toMatch(/once it has completed/);
	});

	test('the inbound webhook deletes, and its token never appears in outputs or errors', async () => {
		seed([['call_w', 'completed']]);
		const ok = await runNode(
			bench.store,
			'huskyVoice',
			del({ authentication: 'webhookToken' }),
			[{ callId: 'call_w' }, { callId: 'call_gone' }],
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(ok.out[0]).toMatchObject({ callId: 'call_w', deleted: true, via: 'webhook', httpStatus: 200 });
		expect(ok.out[1].details).toMatchObject({ callId: 'call_gone', code: 'NOT_FOUND' });
		expect(huskyLog()[0]).toMatchObject({ method: 'POST', body: { action: 'call.delete', data: { call_id: 'call_w' } } });
		expect(huskyLog()[0].path).toContain(`/hooks/${sandbox.husky.webhookToken}`);

		bench.store.set('husky-webhook', { webhookToken: 'whk_wrong_token_zz9', baseUrl: bench.emulator.huskyBaseUrl });
		const bad = await runNode(bench.store, 'huskyVoice', del({ authentication: 'webhookToken' }), [{ callId: 'call_w' }], {
			onError: 'continueRegularOutput',
		});
		expect(bad.out[0].details).toMatchObject({ httpStatus: 401, code: 'UNAUTHORIZED' });
		const everything = JSON.stringify([ok.out, bad.out, ok.run.data.resultData, bad.run.data.resultData]);
		expect(everything).not.toContain(sandbox.husky.webhookToken);
		expect(everything).not.toContain('whk_wrong_token_zz9');
	});

	test('dry run reports status and whether the call is deletable, and deletes nothing', async () => {
		seed([
			['call_done', 'completed'],
			['call_live', 'in_progress'],
		]);
		const run = await runNode(bench.store, 'huskyVoice', del({ options: { dryRun: true } }), [
			{ callId: 'call_done' },
			{ callId: 'call_live' },
		]);
		expect(run.out.map((item) => [item.outcome, item.status, item.deletable])).toEqual([
			['dry_run', 'completed', true],
			['dry_run', 'in_progress', false],
		]);
		expect(huskyLog().every((entry) => entry.method === 'GET')).toBe(true);
	});

	test('cancel stops a queued call; get shows it cancelled; a completed call cannot be cancelled', async () => {
		seed([
			['call_c', 'queued'],
			['call_d', 'completed'],
		]);
		const cancel = await runNode(
			bench.store,
			'huskyVoice',
			{ resource: 'call', operation: 'cancel', callId: '={{ $json.callId }}' },
			[{ callId: 'call_c' }, { callId: 'call_d' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(cancel.out[0]).toMatchObject({ callId: 'call_c', cancelled: true, status: 'cancelled' });
		expect(cancel.out[1].details).toMatchObject({ callId: 'call_d', httpStatus: 409 });
		const got = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'get', callId: 'call_c' }, [{}]);
		expect(got.out[0]).toMatchObject({ callId: 'call_c', status: 'cancelled', deletable: false });
	});

	test('429 with Retry-After is honoured and the item still succeeds', async () => {
		seed([['call_r', 'completed']]);
		bench.emulator.faults.add({ provider: 'husky', method: 'DELETE', type: 'status', status: 429, retryAfter: 1, times: 1 });
		const run = await runNode(bench.store, 'huskyVoice', del(), [{ callId: 'call_r' }]);
		expect(run.out[0]).toMatchObject({ deleted: true, attempts: 2 });
	});

	// One more item than the key's limit: the sixth waits for a place in HuskyVoice's one-minute sliding window, so
	// this test takes about a minute. Without pacing the sixth is sent at once and refused with a 429.
	test('paces itself to the per-minute limit: one item more than the limit waits for the window instead of meeting a 429', async () => {
		(bench.emulator.husky.configure as (c: IDataObject) => void)({ rateLimitPerMinute: 5 });
		const ids = Array.from({ length: 6 }, (_, index) => `call_p${index}`);
		seed(ids.map((id) => [id, 'completed'] as [string, string]));
		const run = await runNode(
			bench.store,
			'huskyVoice',
			del({ options: { rateLimitPerMinute: 5 } }),
			ids.map((callId) => ({ callId })),
		);
		expect(run.out.map((item) => [item.callId, item.deleted, item.attempts])).toEqual(ids.map((id) => [id, true, 1]));
		expect(huskyLog().map((entry) => entry.status)).toEqual([200, 200, 200, 200, 200, 200]);
	}, 120_000);
});
