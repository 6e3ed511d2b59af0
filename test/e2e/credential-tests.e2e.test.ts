/**
 * The credentials' Test button in a real n8n (POST /rest/credentials/test), 2.41.1 by default and 1.123.81 with
 * N8N_VERSION=1.x: valid settings pass; a wrong secret, an insecure URL or a redirect fails; a redirect's target
 * receives nothing; the webhook credential's test sends nothing at all; no result quotes a secret.
 */
import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
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
});
afterAll(async () => {
	await bench?.close();
	await other?.close();
});
beforeEach(() => {
	bench.emulator.reset();
	other.clear();
});

type Key = keyof RealN8n['credentials'];
async function testWith(key: Key, override: IDataObject = {}) {
	const credential = bench.credentials[key];
	return (await bench.n8n.testCredential({ id: credential.id, name: credential.name, type: credential.type, data: { ...credential.data, ...override } })).data;
}
const secrets = [sandbox.stream.apiSecret, sandbox.graph.clientSecret, sandbox.husky.apiKey, sandbox.husky.webhookToken];

test.each([
	['stream', { apiSecret: 'not-the-secret' }],
	['graph', { clientSecret: 'not-the-secret' }],
	['husky', { apiKey: 'sk_test_wrong' }],
] as const)('%s: valid settings pass, a wrong secret fails', async (key, wrong) => {
	expect(await testWith(key)).toEqual({ status: 'OK', message: expect.any(String) });
	const failed = await testWith(key, wrong);
	expect(failed.status).toBe('Error');
	for (const secret of [...secrets, ...Object.values(wrong)]) expect(failed.message).not.toContain(secret);
});

test.each([
	['stream', 'baseUrl'],
	['husky', 'baseUrl'],
	['huskyWebhook', 'baseUrl'],
	['graph', 'authorityUrl'],
	['graph', 'graphUrl'],
] as const)('%s: an http URL to another host, or one with a query, is refused before anything is sent (%s)', async (key, field) => {
	const http = await testWith(key, { [field]: 'http://example.com/v1' });
	expect(http).toEqual({ status: 'Error', message: expect.stringMatching(/must use https/) });
	const query = await testWith(key, { [field]: `${String(bench.credentials[key].data[field])}?x=1` });
	expect(query).toEqual({ status: 'Error', message: expect.stringMatching(/query \(\?\) or fragment \(#\)/) });
	expect(bench.emulator.log.entries()).toEqual([]);
});

test.each([
	['stream', 'stream'],
	['husky', 'husky'],
	['graph', 'login'],
	['graph', 'graph'],
] as const)('%s: a redirect (from %s) is not followed, and its target receives nothing', async (key, provider) => {
	bench.emulator.faults.add({ provider, type: 'status', status: 307, headers: { Location: `${other.url}/grab?token=leak` }, body: {} });
	const result = await testWith(key);
	expect(result.status).toBe('Error');
	expect(result.message).toContain(`redirect to ${other.url}`);
	expect(result.message).not.toContain('leak');
	expect(other.requests).toEqual([]);
});

test('the HuskyVoice webhook test sends nothing (the hook can only delete) and says so', async () => {
	bench.emulator.husky.seedCalls([{ call_id: 'n8n-credential-test', status: 'completed' }] as never);
	expect(await testWith('huskyWebhook')).toEqual({ status: 'OK', message: expect.stringMatching(/cannot check the token without acting/) });
	expect((await testWith('huskyWebhook', { webhookToken: 'not a token/..' })).status).toBe('Error');
	expect(bench.emulator.log.entries()).toEqual([]);
});

test('HuskyVoice: an answer other than its own 404 NOT_FOUND confirms nothing', async () => {
	bench.emulator.faults.add({ provider: 'husky', type: 'status', status: 404, body: { message: 'no route' }, times: 1 });
	expect(await testWith('husky')).toEqual({ status: 'Error', message: expect.stringMatching(/unexpected answer \(HTTP 404\)/) });
});
