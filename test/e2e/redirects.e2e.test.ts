/**
 * No redirect is followed with credentials, in a real n8n (2.41.1 by default, 1.123.81 with N8N_VERSION=1.x): a
 * provider answering 307/308 to another origin fails the item with "unexpected redirect to <origin>", nothing is
 * recorded as deleted, and the other origin receives nothing (no key, no token, no client secret).
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';
import { sandbox } from '../../dev/emulators/client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRecorder } = require('../../dev/emulators/recorder') as {
	createRecorder(): Promise<{ url: string; requests: unknown[]; clear(): void; close(): Promise<void> }>;
};

jest.setTimeout(300_000);

let bench: RealN8n;
let other: Awaited<ReturnType<typeof createRecorder>>;
beforeAll(async () => {
	other = await createRecorder();
	bench = await bootRealN8n();
	// The API key in both headers: neither may reach the other origin.
	const data = { ...bench.credentials.husky.data, authHeader: 'both' };
	const id = await bench.n8n.createCredential('HuskyVoice (both headers)', 'huskyVoiceApi', data);
	bench.credentials.husky = { ...bench.credentials.husky, id, name: 'HuskyVoice (both headers)', data };
});
afterAll(async () => {
	await bench?.close();
	await other?.close();
});
beforeEach(() => {
	bench.emulator.reset();
	other.clear();
});

const location = () => `${other.url}/collect/${sandbox.husky.apiKey}?token=leak-me`;

test.each([
	['stream', 'stream', 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', deleteMode: 'hard' }, 's-r1'],
	['husky', 'husky', 'huskyVoice', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, 'call_r1'],
	['huskyWebhook', 'husky', 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, 'call_r2'],
	['graph', 'graph', 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, '00000000-0000-4000-8000-000000000601'],
	['graph', 'login', 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, '00000000-0000-4000-8000-000000000602'],
] as const)('%s: a 307 from %s is not followed; the item fails and names its call', async (credential, provider, type, parameters, id) => {
	bench.emulator.stream.seedCalls([{ type: 'default', id: 's-r1', ended_at: new Date().toISOString() }] as never);
	bench.emulator.husky.seedCalls([{ call_id: 'call_r1', status: 'completed' }, { call_id: 'call_r2', status: 'completed' }] as never);
	bench.emulator.graph.seedCalls([{ id: '00000000-0000-4000-8000-000000000601', state: 'established' }, { id: '00000000-0000-4000-8000-000000000602', state: 'established' }] as never);
	bench.emulator.faults.add({ provider, type: 'status', status: 307, headers: { Location: location() }, body: {} });
	const run = await runThroughWebhook(bench, { type, credential, parameters: parameters as IDataObject, onError: 'continueRegularOutput' }, [{ id }]);
	expect(run.status).toBe(200);
	expect(run.items).toHaveLength(1);
	expect(run.items[0].deleted).not.toBe(true);
	expect(String(run.items[0].error)).toContain(`unexpected redirect to ${other.url}`);
	expect((run.items[0].details as IDataObject).callId).toBe(id);
	expect(JSON.stringify(run.items)).not.toContain('leak-me');
	expect(other.requests).toEqual([]);
});

test('308 from the Stream API is not followed either, and nothing is retried', async () => {
	bench.emulator.faults.add({ provider: 'stream', type: 'status', status: 308, headers: { Location: location() }, body: {} });
	const run = await runThroughWebhook(bench, { type: 'streamVideo', credential: 'stream', parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}' }, onError: 'continueRegularOutput' }, [{ id: 'a' }, { id: 'b' }]);
	expect(run.items.map((item) => String(item.error))).toEqual([expect.stringContaining('unexpected redirect to'), expect.stringContaining('unexpected redirect to')]);
	expect(bench.emulator.log.entries({ provider: 'stream' })).toHaveLength(2);
	expect(other.requests).toEqual([]);
});
