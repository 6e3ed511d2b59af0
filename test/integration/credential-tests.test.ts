/**
 * The credentials' Test buttons, run through n8n-core's own CredentialTestContext (the context n8n's server gives a
 * `credentialTest` method) against the emulators: the https-or-loopback rule on every URL a secret goes to, no
 * redirect followed, a pass only on the answers that prove the credential, and nothing changed at the provider.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { credentialData, sandbox, startEmulator, type Emulator } from '../../dev/emulators/client';

// The built package, as n8n loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { credentialTests } = require('../../dist/credentials/credentialTests') as {
	credentialTests: Record<string, (this: ICredentialTestFunctions, credential: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRecorder } = require('../../dev/emulators/recorder') as {
	createRecorder(): Promise<{ url: string; requests: unknown[]; clear(): void; close(): Promise<void> }>;
};

let emulator: Emulator;
let other: Awaited<ReturnType<typeof createRecorder>>;
beforeAll(async () => {
	emulator = await startEmulator();
	other = await createRecorder();
});
afterAll(async () => {
	await emulator.close();
	await other.close();
});
beforeEach(() => {
	emulator.reset();
	other.clear();
});

type Key = 'streamVideoApi' | 'microsoftGraphCallsApi' | 'huskyVoiceApi' | 'huskyVoiceWebhookApi';
async function testCredential(type: Key, override: IDataObject = {}): Promise<INodeCredentialTestResult> {
	const context = new CredentialTestContext({} as never) as unknown as ICredentialTestFunctions;
	const data = { ...credentialData(emulator)[type], ...override } as IDataObject;
	return await credentialTests[`${type}Test`].call(context, { id: 'c', name: 'c', type, data: data as never });
}
const everySecret = [sandbox.stream.apiSecret, sandbox.graph.clientSecret, sandbox.husky.apiKey, sandbox.husky.webhookToken];

describe.each([
	['streamVideoApi', 'baseUrl', 'stream'],
	['huskyVoiceApi', 'baseUrl', 'husky'],
	['huskyVoiceWebhookApi', 'baseUrl', 'husky'],
	['microsoftGraphCallsApi', 'authorityUrl', 'login'],
	['microsoftGraphCallsApi', 'graphUrl', 'graph'],
] as const)('%s (%s)', (type, field, provider) => {
	test.each([
		['http to a host that is not loopback', 'http://example.com/v1', /must use https/],
		['a query', `${'http://127.0.0.1:1'}/v1?x=1`, /query \(\?\) or fragment \(#\)/],
		['a fragment', 'http://127.0.0.1:1/v1#frag', /query \(\?\) or fragment \(#\)/],
		['a user name and password', 'https://user:pass@example.com', /user name or password/],
	])('refuses %s, sending nothing', async (_what, url, message) => {
		const result = await testCredential(type, { [field]: url });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(message) });
		expect(emulator.log.entries()).toEqual([]);
	});

	if (type !== 'huskyVoiceWebhookApi') {
		test('a redirect is not followed: the other origin gets nothing, and the test fails naming only the origin', async () => {
			emulator.faults.add({ provider, type: 'status', status: 307, headers: { Location: `${other.url}/grab?token=leak` }, body: {} });
			const result = await testCredential(type);
			expect(result.status).toBe('Error');
			expect(result.message).toContain(`redirect to ${other.url}`);
			expect(result.message).not.toContain('leak');
			expect(other.requests).toEqual([]);
		});
	}
});

test('Stream: valid key and secret pass with a read (Query Calls); a wrong secret fails; nothing deleted', async () => {
	expect(await testCredential('streamVideoApi')).toEqual({ status: 'OK', message: expect.any(String) });
	const wrong = await testCredential('streamVideoApi', { apiSecret: 'not-the-secret' });
	expect(wrong.status).toBe('Error');
	expect(wrong.message).toMatch(/HTTP 401/);
	expect(emulator.log.entries({ provider: 'stream' }).map((entry) => `${entry.method} ${entry.path}`)).toEqual([
		'POST /stream/api/v2/video/calls',
		'POST /stream/api/v2/video/calls',
	]);
});

test('HuskyVoice key: passes only on HuskyVoice\'s own 404 NOT_FOUND, fails on 401 and on any other answer', async () => {
	expect((await testCredential('huskyVoiceApi')).status).toBe('OK');
	expect(await testCredential('huskyVoiceApi', { apiKey: 'sk_test_wrong' })).toEqual({ status: 'Error', message: expect.stringMatching(/refused the API key/) });
	// A base URL that is not HuskyVoice's API (a proxy's "no route", a server error) confirms nothing.
	emulator.faults.add({ provider: 'husky', type: 'status', status: 404, body: { message: 'no route' }, times: 1 });
	expect(await testCredential('huskyVoiceApi')).toEqual({ status: 'Error', message: expect.stringMatching(/unexpected answer \(HTTP 404\)/) });
	emulator.faults.add({ provider: 'husky', type: 'status', status: 500, times: 1 });
	expect(await testCredential('huskyVoiceApi')).toEqual({ status: 'Error', message: expect.stringMatching(/unexpected answer \(HTTP 500/) });
	emulator.faults.add({ provider: 'husky', type: 'status', status: 200, body: { data: {} }, times: 1 });
	expect((await testCredential('huskyVoiceApi')).status).toBe('Error');
	expect(emulator.log.entries({ provider: 'husky' }).every((entry) => entry.method === 'GET')).toBe(true);
});

test('HuskyVoice webhook: checked locally, never sent (the hook can only delete)', async () => {
	(emulator.husky.seedCalls as (calls: IDataObject[]) => void)([{ call_id: 'n8n-credential-test', status: 'completed' }]);
	const result = await testCredential('huskyVoiceWebhookApi');
	expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/cannot check the token without acting/) });
	expect((await testCredential('huskyVoiceWebhookApi', { webhookToken: 'has/slash?and=query' })).status).toBe('Error');
	expect((await testCredential('huskyVoiceWebhookApi', { webhookToken: '' })).status).toBe('Error');
	expect(emulator.log.entries()).toEqual([]);
});

test('Microsoft Graph: passes only when a token is issued and Graph answers "call not found"; fails on a wrong secret or another answer', async () => {
	expect(await testCredential('microsoftGraphCallsApi')).toEqual({ status: 'OK', message: expect.any(String) });
	const wrong = await testCredential('microsoftGraphCallsApi', { clientSecret: 'not-the-secret' });
	expect(wrong).toEqual({ status: 'Error', message: expect.stringMatching(/client secret is wrong/) });
	emulator.faults.add({ provider: 'graph', type: 'status', status: 404, body: { message: 'no route' }, times: 1 });
	expect(await testCredential('microsoftGraphCallsApi')).toEqual({ status: 'Error', message: expect.stringMatching(/unexpected answer \(HTTP 404\)/) });
	emulator.faults.add({ provider: 'login', type: 'status', status: 503, times: 1 });
	expect(await testCredential('microsoftGraphCallsApi')).toEqual({ status: 'Error', message: expect.stringMatching(/token service is unavailable \(HTTP 503\)/) });
	expect(emulator.log.entries({ provider: 'graph' }).every((entry) => entry.method === 'GET')).toBe(true);
});

test('a host that does not resolve: "could not reach", and no result quotes a secret', async () => {
	const results = [
		await testCredential('streamVideoApi', { baseUrl: 'https://call-deletion-test.invalid' }),
		await testCredential('huskyVoiceApi', { baseUrl: 'https://call-deletion-test.invalid/v1' }),
		await testCredential('microsoftGraphCallsApi', { authorityUrl: 'https://login.call-deletion-test.invalid' }),
	];
	expect(results.map((result) => result.status)).toEqual(['Error', 'Error', 'Error']);
	expect(results.map((result) => result.message)).toEqual([
		expect.stringMatching(/Could not reach Stream Video \(ENOTFOUND\)/),
		expect.stringMatching(/Could not reach HuskyVoice \(ENOTFOUND\)/),
		expect.stringMatching(/token service could not be reached \(ENOTFOUND\)/),
	]);
	for (const secret of everySecret) expect(JSON.stringify(results)).not.toContain(secret);
});
