/**
 * Faults inside a real n8n, the packed package installed as a community package: the three delete nodes
 * through 429 + Retry-After, 503, a reset connection, an answer that never comes, a garbled body and a
 * permanent 400; Graph's token expiring mid-run; and "not found" with and without Ignore Not Found.
 *
 * This is the file that tells n8n versions apart: n8n-core's HTTP helper throws differently on 1.x and
 * 2.x (see ProviderClient.send/interpretThrown). It runs on n8n 2.41.1 (`npm run test:e2e`) and on
 * 1.123.81 (`npm run test:compat`, N8N_VERSION=1.x).
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';
import { daysAgo } from '../../dev/emulators/client';
import { faultRules, isPermanentFault, isTransientFault, padIndex } from '../../dev/fault-plan';

jest.setTimeout(300_000);

let bench: RealN8n;

beforeAll(async () => {
	bench = await bootRealN8n();
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

const N = 200;

// A short request timeout, so the answers that never come cost 2 s each rather than 30.
const fast = { requestTimeout: 2000 };

function injectFaults(provider: string, pathFor: (digits: string) => string) {
	bench.emulator.faults.add(faultRules(provider, pathFor));
}

/** Every item once, in order: transient faults end deleted after a retry, permanent ones as error items with the provider's code. */
function checkMatrix(ids: string[], items: IDataObject[], permanentCode: string) {
	expect(items).toHaveLength(ids.length);
	const idOf = (item: IDataObject) => (item.error !== undefined ? (item.details as IDataObject)?.callId : item.callId);
	expect(items.map(idOf)).toEqual(ids);
	ids.forEach((_, index) => {
		const item = items[index];
		if (isPermanentFault(index)) {
			expect({ index, error: item.error }).toEqual({ index, error: expect.any(String) });
			expect(item.details).toMatchObject({ httpStatus: 400, code: permanentCode, attempts: 1 });
		} else {
			expect({ index, outcome: item.outcome, deleted: item.deleted }).toEqual({ index, outcome: 'deleted', deleted: true });
			if (isTransientFault(index)) expect({ index, attempts: Number(item.attempts) > 1 }).toEqual({ index, attempts: true });
		}
	});
}

const requests = (provider: string) => bench.emulator.log.entries({ provider });

describe('fault matrix in real n8n: retried, never lost, never duplicated', () => {
	test(`Stream Video: ${N} deletes through faults`, async () => {
		const ids = Array.from({ length: N }, (_, index) => `f-${padIndex(index)}`);
		bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
		injectFaults('stream', (digits) => `/call/default/f-\\d\\d${digits}/delete$`);
		const run = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				onError: 'continueRegularOutput',
				parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: fast },
			},
			ids.map((callId) => ({ callId })),
		);
		expect(run.status).toBe(200);
		checkMatrix(ids, run.items, '4');
		// The 429 asked for one second: the retry came no sooner.
		const throttled = requests('stream').filter((entry) => /f-\d\d01\/delete$/.test(String(entry.path)));
		expect(throttled.length).toBeGreaterThanOrEqual(2);
	});

	test(`Microsoft Graph: ${N} hang-ups through faults, the token expiring mid-run and fetched once again`, async () => {
		const ids = Array.from({ length: N }, (_, index) => `00000000-0000-4000-8000-00000000${padIndex(index)}`);
		bench.emulator.graph.seedCalls(ids.map((id) => ({ id })) as never);
		injectFaults('graph', (digits) => `/communications/calls/00000000-0000-4000-8000-00000000\\d\\d${digits}$`);
		const tokensBefore = requests('login').length;
		let expired = false;
		const watcher = setInterval(() => {
			if (!expired && requests('graph').length >= 80) {
				expired = true;
				bench.emulator.graph.expireAllTokens();
			}
		}, 20);
		const run = await runThroughWebhook(
			bench,
			{
				type: 'microsoftGraphCalls',
				credential: 'graph',
				onError: 'continueRegularOutput',
				parameters: { resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', options: fast },
			},
			ids.map((callId) => ({ callId })),
		).finally(() => clearInterval(watcher));
		expect(expired).toBe(true);
		checkMatrix(ids, run.items, 'BadRequest');
		// At most one token at the start (none if an earlier run stored one) and exactly one after it expired.
		const tokens = requests('login').length - tokensBefore;
		expect(tokens).toBeGreaterThanOrEqual(1);
		expect(tokens).toBeLessThanOrEqual(2);
	});

	test(`HuskyVoice: ${N} erasures through faults`, async () => {
		const ids = Array.from({ length: N }, (_, index) => `call_f${padIndex(index)}`);
		(bench.emulator.husky.configure as (config: IDataObject) => void)({ rateLimitPerMinute: 100_000 });
		bench.emulator.husky.seedCalls(ids.map((call_id) => ({ call_id, status: 'completed' })) as never);
		injectFaults('husky', (digits) => `/v1/calls/call_f\\d\\d${digits}$`);
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
					callId: '={{ $json.callId }}',
					options: { ...fast, rateLimitPerMinute: 100_000 },
				},
			},
			ids.map((callId) => ({ callId })),
		);
		checkMatrix(ids, run.items, 'BAD_REQUEST');
	});

	test('one 503 among 30 Stream deletes: retried, all 30 deleted', async () => {
		const ids = Array.from({ length: 30 }, (_, index) => `one503-${index}`);
		bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
		bench.emulator.faults.add({ provider: 'stream', path: '/call/default/one503-7/delete$', type: 'status', status: 503, times: 1 });
		const run = await runThroughWebhook(
			bench,
			{
				type: 'streamVideo',
				credential: 'stream',
				parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}' },
			},
			ids.map((callId) => ({ callId })),
		);
		expect(run.items.map((item) => item.outcome)).toEqual(ids.map(() => 'deleted'));
		expect(run.items[7]).toMatchObject({ callId: 'one503-7', attempts: 2 });
	});
});

describe('not found in real n8n, for each provider', () => {
	const cases: Array<[string, string, IDataObject, string, IDataObject]> = [
		['Stream Video', 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default' }, 'ghost', { code: '16' }],
		[
			'Microsoft Graph',
			'microsoftGraphCalls',
			{ resource: 'call', operation: 'delete' },
			'00000000-0000-4000-8000-000000000077',
			{ code: '8522' },
		],
		['HuskyVoice', 'huskyVoice', { authentication: 'apiKey', resource: 'call', operation: 'delete' }, 'call_ghost', { code: 'NOT_FOUND' }],
	];
	const credentialOf: Record<string, keyof RealN8n['credentials']> = {
		streamVideo: 'stream',
		microsoftGraphCalls: 'graph',
		huskyVoice: 'husky',
	};

	test.each(cases)(
		'%s: an error item with the provider code, or not_found with Ignore Not Found',
		async (_name, type, parameters, callId, details) => {
			const node = { type, credential: credentialOf[type], parameters: { ...parameters, callId: '={{ $json.callId }}' } };
			const strict = await runThroughWebhook(bench, { ...node, onError: 'continueRegularOutput' }, [{ callId }]);
			expect(strict.items).toHaveLength(1);
			expect(strict.items[0].error).toEqual(expect.any(String));
			expect(strict.items[0].details).toMatchObject({ httpStatus: 404, callId, attempts: 1, ...details });

			const lenient = await runThroughWebhook(bench, { ...node, parameters: { ...node.parameters, options: { ignoreNotFound: true } } }, [
				{ callId },
			]);
			expect(lenient.items).toEqual([expect.objectContaining({ callId, outcome: 'not_found', deleted: false, httpStatus: 404 })]);
		},
	);
});
