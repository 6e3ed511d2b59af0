/**
 * No redirect is followed with credentials: a provider (or anything posing as one) answering 3xx fails the item
 * with "unexpected redirect to <origin>", and the other origin receives nothing: no key, no token, no secret.
 */
import type { IDataObject } from 'n8n-workflow';

import { streamServerToken } from '../../credentials/jwt';
import { runNode, sandbox, useEmulators } from './setup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRecorder } = require('../../dev/emulators/recorder') as {
	createRecorder(): Promise<{ url: string; requests: Array<{ url: string; headers: IDataObject; body: string }>; clear(): void; close(): Promise<void> }>;
};

const bench = useEmulators();
let other: Awaited<ReturnType<typeof createRecorder>>;
beforeAll(async () => (other = await createRecorder()));
afterAll(async () => await other.close());
beforeEach(() => other.clear());

/** Where the redirect points: a path and query that could carry a token, which no error may repeat. */
const location = () => `${other.url}/collect/sk_stolen?token=leak-me`;
const redirect = (provider: string, status = 307) => ({ provider, type: 'status', status, headers: { Location: location() }, body: {} });
const onError = { onError: 'continueRegularOutput' as const };

function expectRefused(out: IDataObject[], count = 1) {
	expect(out).toHaveLength(count);
	for (const item of out) {
		expect(item.deleted).not.toBe(true);
		expect(item.error).toBe(`${String(item.error).split(':')[0]}: unexpected redirect to ${other.url}`);
		expect(JSON.stringify(item)).not.toContain('/collect');
		expect(JSON.stringify(item)).not.toContain('leak-me');
	}
	// Nothing reached the other origin: not the request, not a key, not a token.
	expect(other.requests).toEqual([]);
}

test.each([301, 302, 303, 307, 308])('Stream Video: a %i is not followed, not retried, and fails the item', async (status) => {
	bench.emulator.stream.seedCalls([{ type: 'default', id: 'r1', ended_at: new Date().toISOString() }] as never);
	bench.emulator.faults.add(redirect('stream', status));
	const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: 'r1', deleteMode: 'hard' }, [{}], onError);
	expectRefused(run.out);
	expect((run.out[0].details as IDataObject).callId).toBe('r1');
	expect(bench.emulator.log.entries({ provider: 'stream' })).toHaveLength(1);
	expect(JSON.stringify(run.out)).not.toContain(streamServerToken(sandbox.stream.apiSecret));
});

test('HuskyVoice with an API key in both headers: the other origin sees neither', async () => {
	bench.store.set('husky', { apiKey: sandbox.husky.apiKey, authHeader: 'both', baseUrl: bench.emulator.huskyBaseUrl });
	bench.emulator.husky.seedCalls([{ call_id: 'call_r1', status: 'completed' }] as never);
	bench.emulator.faults.add(redirect('husky', 308));
	const run = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_r1' }, [{}], onError);
	expectRefused(run.out);
	expect(bench.emulator.log.entries({ provider: 'husky' })).toHaveLength(1);
});

test('HuskyVoice webhook: the token in the path goes nowhere else', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'call_r2', status: 'completed' }] as never);
	bench.emulator.faults.add(redirect('husky', 307));
	const run = await runNode(bench.store, 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_r2' }, [{}], onError);
	expectRefused(run.out);
	expect(JSON.stringify(run.out)).not.toContain(sandbox.husky.webhookToken);
});

test('Microsoft Graph API: the bearer token is not sent to the other origin', async () => {
	const id = '00000000-0000-4000-8000-0000000000r1'.replace('r1', '71');
	bench.emulator.graph.seedCalls([{ id, state: 'established' }] as never);
	bench.emulator.faults.add(redirect('graph', 307));
	const run = await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: id }, [{}], onError);
	expectRefused(run.out);
	expect(bench.emulator.log.entries({ provider: 'graph' })).toHaveLength(1);
});

test('Microsoft Graph token request: a 307 would re-post client_secret; it is not followed', async () => {
	const ids = ['00000000-0000-4000-8000-000000000081', '00000000-0000-4000-8000-000000000082'];
	bench.emulator.graph.seedCalls(ids.map((id) => ({ id, state: 'established' })) as never);
	bench.emulator.faults.add(redirect('login', 307));
	const run = await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, ids.map((id) => ({ id })), onError);
	expect(run.out).toHaveLength(2);
	for (const [index, item] of run.out.entries()) {
		expect(item.deleted).not.toBe(true);
		expect(String(item.error)).toContain(`unexpected redirect to ${other.url}`);
		expect(JSON.stringify(item)).not.toContain('leak-me');
		// Each failed item still names its call.
		expect((item.details as IDataObject).callId).toBe(ids[index]);
	}
	expect(other.requests).toEqual([]);
	expect(bench.emulator.log.entries({ provider: 'graph' })).toHaveLength(0);
});
