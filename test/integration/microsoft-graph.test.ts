import type { IDataObject } from 'n8n-workflow';

import { runNode, useEmulators } from './setup';

const bench = useEmulators();

const seed = (ids: string[], extra: IDataObject = {}) =>
	bench.emulator.graph.seedCalls(ids.map((id) => ({ id, state: 'established', ...extra })) as never);
const tokenRequests = () => bench.emulator.log.entries({ provider: 'login' }).length;
const graphRequests = () => bench.emulator.log.entries({ provider: 'graph' });
const del = (extra: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', ...extra });
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('Microsoft Graph Calls', () => {
	test('hang up 500 calls with ONE token request, one audit item each, in order', async () => {
		const ids = Array.from({ length: 500 }, (_, index) => guid(index));
		seed(ids);
		const run = await runNode(
			bench.store,
			'microsoftGraphCalls',
			del(),
			ids.map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		expect(run.out).toHaveLength(500);
		expect(run.out.map((item) => item.callId)).toEqual(ids);
		expect(run.out.every((item) => item.deleted === true && item.outcome === 'deleted' && item.httpStatus === 204)).toBe(true);
		expect(run.out[0]).toMatchObject({ provider: 'microsoftGraph', hungUp: true, requestId: expect.any(String) });
		expect(tokenRequests()).toBe(1);
		const deleteEntry = graphRequests().find((entry) => entry.method === 'DELETE');
		expect(deleteEntry?.headers.authorization).toMatch(/^Bearer /);
		expect(deleteEntry?.path).toContain('/v1.0/communications/calls/');
	});

	test('a token that expires mid-run is fetched again once and the request retried', async () => {
		const ids = Array.from({ length: 6 }, (_, index) => guid(100 + index));
		seed(ids);
		// Every issued token expires the moment item 3's request arrives, before Graph checks it.
		bench.emulator.faults.add({
			provider: 'graph',
			path: guid(102),
			type: 'latency',
			latencyMs: 0,
			times: 1,
			onMatch: () => (bench.emulator.graph.expireAllTokens as () => void)(),
		} as IDataObject);
		const run = await runNode(
			bench.store,
			'microsoftGraphCalls',
			del({ options: { concurrency: 1 } }),
			ids.map((callId) => ({ callId })),
		);
		expect(run.error).toBeUndefined();
		expect(run.out.every((item) => item.deleted === true)).toBe(true);
		expect(tokenRequests()).toBe(2);
		// Items 1 and 2 went with the first token; item 3 met the expiry: the expired answer, then the one n8n's helper
		// needs to see before it refreshes the token; then item 3 again and items 4 to 6 with the new one.
		expect(graphRequests().map((entry) => [entry.path.split('/').pop(), entry.status])).toEqual([
			[guid(100), 204],
			[guid(101), 204],
			[guid(102), 401],
			[guid(102), 401],
			[guid(102), 204],
			[guid(103), 204],
			[guid(104), 204],
			[guid(105), 204],
		]);
	});

	test('404 "8522"/"9997" means the call already ended: an error that says so, or not_found with Ignore Not Found', async () => {
		const strict = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: guid(901) }], { onError: 'continueRegularOutput' });
		expect(strict.out[0].details).toMatchObject({ httpStatus: 404, code: '8522', requestId: expect.any(String) });
		expect(String((strict.out[0].details as IDataObject).description)).toMatch(/already ended/);

		const lenient = await runNode(bench.store, 'microsoftGraphCalls', del({ options: { ignoreNotFound: true } }), [{ callId: guid(901) }]);
		expect(lenient.out[0]).toMatchObject({ outcome: 'not_found', deleted: false, httpStatus: 404 });
	});

	test('dry run GETs the call and hangs up nothing; beta uses the beta path', async () => {
		seed([guid(5)]);
		const run = await runNode(bench.store, 'microsoftGraphCalls', del({ options: { dryRun: true, apiVersion: 'beta' } }), [
			{ callId: guid(5) },
		]);
		expect(run.out[0]).toMatchObject({ outcome: 'dry_run', deleted: false, state: 'established', apiVersion: 'beta' });
		expect(graphRequests().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
			expect.stringMatching(/^GET .*\/beta\/communications\/calls\//),
		]);
	});

	test('call IDs "." and ".." are refused before any request (they would be path steps: DELETE …/communications/)', async () => {
		const run = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: '..' }, { callId: '.' }, { callId: ' .. ' }], {
			onError: 'continueRegularOutput',
		});
		expect(run.out).toHaveLength(3);
		for (const item of run.out) expect(String(item.error)).toMatch(/Call ID "\.+" is not allowed/);
		expect(run.out.map((item) => (item.details as IDataObject).callId)).toEqual(['..', '.', '..']);
		expect(bench.emulator.log.entries()).toHaveLength(0);
	});

	test.each(['delete', 'get'])('%s: an API Version other than v1.0 or beta fails the item before any request', async (operation) => {
		seed([guid(8)]);
		const items = ['v2', '', 'v1.0/../beta', 'BETA', 'beta', 'v1.0'].map((apiVersion) => ({ callId: guid(8), apiVersion }));
		const run = await runNode(
			bench.store,
			'microsoftGraphCalls',
			{ resource: 'call', operation, callId: '={{ $json.callId }}', options: { apiVersion: '={{ $json.apiVersion }}', dryRun: true } },
			items,
			{ onError: 'continueRegularOutput' },
		);
		expect(run.out).toHaveLength(6);
		for (const [index, value] of ['v2', '', 'v1.0/../beta', 'BETA'].entries()) {
			const gave = value === '' ? 'empty text' : `the text "${value}"`;
			expect(run.out[index]).toMatchObject({
				error: `API Version must be one of "v1.0", "beta", but the expression gave ${gave}`,
				details: { callId: guid(8) },
			});
		}
		expect(run.out[4].error).toBeUndefined();
		expect(run.out[5].error).toBeUndefined();
		// Only the two valid items reached Graph, each at its own version's path.
		expect(graphRequests().map((entry) => entry.path.split('/communications/')[0].split('/').pop())).toEqual(['beta', 'v1.0']);
	});

	test('get returns the call', async () => {
		seed([guid(6)]);
		const run = await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'get', callId: guid(6) }, [{}]);
		expect(run.out[0]).toMatchObject({ callId: guid(6), state: 'established' });
	});

	test('a wrong client secret reaches the user as a plain explanation, with one token request for the whole run', async () => {
		bench.store.set('graph', {
			...(bench.store.data.get('graph') as IDataObject),
			clientSecret: 'WrongSecret~abc123',
			accessToken: '',
		} as never);
		const run = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: guid(1) }, { callId: guid(2) }, { callId: guid(3) }], {
			onError: 'continueRegularOutput',
		});
		expect(run.out).toHaveLength(3);
		for (const item of run.out) expect(item.error).toMatch(/client secret is wrong/);
		expect(tokenRequests()).toBe(1);
		expect(JSON.stringify(run.out)).not.toContain('WrongSecret~abc123');
	});

	test('an unknown tenant and a malformed tenant id are explained; the malformed one sends nothing', async () => {
		bench.store.set('graph', {
			...(bench.store.data.get('graph') as IDataObject),
			tenantId: '11111111-2222-4333-8444-555555555555',
		} as never);
		const unknown = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: guid(1) }]);
		expect(unknown.error?.message).toMatch(/tenant was not found/);

		bench.emulator.log.clear();
		bench.store.set('graph', { ...(bench.store.data.get('graph') as IDataObject), tenantId: 'not a tenant/../x' } as never);
		const malformed = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: guid(1) }]);
		expect(malformed.error?.message).toMatch(/Tenant ID .* is not valid/);
		expect(bench.emulator.log.entries()).toHaveLength(0);
	});

	test('throttling (429 + Retry-After) is waited out', async () => {
		seed([guid(7)]);
		bench.emulator.faults.add({ provider: 'graph', method: 'DELETE', type: 'status', status: 429, retryAfter: 1, times: 1 });
		const run = await runNode(bench.store, 'microsoftGraphCalls', del(), [{ callId: guid(7) }]);
		expect(run.out[0]).toMatchObject({ deleted: true, attempts: 2 });
	});
});
