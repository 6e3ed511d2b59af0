/**
 * Network faults in a real n8n (2.41.1 by default, 1.123.81 with N8N_VERSION=1.x, whose helper keeps less of an
 * error): a host that does not resolve is "could not reach", the token service's 503 is retried and, when it
 * lasts, reported as the token service's, never as a wrong secret; every failed item names its call.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { bootRealN8n, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';

jest.setTimeout(300_000);

let bench: RealN8n;
beforeAll(async () => {
	bench = await bootRealN8n();
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const graphDelete = (options: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.id }}', options });

test("the token service's 503 is retried and the call hung up", async () => {
	bench.emulator.graph.seedCalls([{ id: guid(701), state: 'established' }] as never);
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 503, times: 1 });
	const run = await runThroughWebhook(bench, { type: 'microsoftGraphCalls', credential: 'graph', parameters: graphDelete() }, [{ id: guid(701) }]);
	expect(run.items[0]).toMatchObject({ callId: guid(701), deleted: true });
	expect(bench.emulator.log.entries({ provider: 'login' }).map((entry) => entry.status)).toEqual([503, 200]);
});

test('a token service that stays down: each item says so and names its call', async () => {
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 503 });
	const ids = [guid(711), guid(712)];
	const run = await runThroughWebhook(bench, { type: 'microsoftGraphCalls', credential: 'graph', parameters: graphDelete({ maxAttempts: 2 }), onError: 'continueRegularOutput' }, ids.map((id) => ({ id })));
	expect(run.items.map((item) => (item.details as IDataObject).callId)).toEqual(ids);
	for (const item of run.items) expect(String(item.error)).toMatch(/token service is unavailable \(HTTP 503\)/);
	expect(bench.emulator.log.entries({ provider: 'login' })).toHaveLength(4);
});

test('a wrong client secret: every item fails as a credential failure and names its call', async () => {
	const data = { ...bench.credentials.graph.data, clientSecret: 'wrong-secret' };
	const id = await bench.n8n.createCredential('Graph (wrong secret)', 'microsoftGraphCallsApi', data);
	const saved = bench.credentials.graph;
	bench.credentials.graph = { ...saved, id, name: 'Graph (wrong secret)', data };
	try {
		const ids = [guid(721), guid(722)];
		const run = await runThroughWebhook(bench, { type: 'microsoftGraphCalls', credential: 'graph', parameters: graphDelete(), onError: 'continueRegularOutput' }, ids.map((callId) => ({ id: callId })));
		expect(run.items.map((item) => (item.details as IDataObject).callId)).toEqual(ids);
		for (const item of run.items) expect(String(item.error)).toMatch(/client secret is wrong/);
	} finally {
		bench.credentials.graph = saved;
	}
});

test('a Stream host that does not resolve: "could not reach Stream Video (ENOTFOUND)" per item', async () => {
	const data = { ...bench.credentials.stream.data, baseUrl: 'https://call-deletion-test.invalid' };
	const id = await bench.n8n.createCredential('Stream (no such host)', 'streamVideoApi', data);
	const saved = bench.credentials.stream;
	bench.credentials.stream = { ...saved, id, name: 'Stream (no such host)', data };
	try {
		const run = await runThroughWebhook(bench, { type: 'streamVideo', credential: 'stream', parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}' }, onError: 'continueRegularOutput' }, [{ id: 'n1' }, { id: 'n2' }]);
		expect(run.items.map((item) => item.error)).toEqual(['Stream Video: could not reach Stream Video (ENOTFOUND)', 'Stream Video: could not reach Stream Video (ENOTFOUND)']);
		expect(run.items.map((item) => (item.details as IDataObject).callId)).toEqual(['n1', 'n2']);
	} finally {
		bench.credentials.stream = saved;
	}
});

test('a certificate n8n refuses: "could not reach HuskyVoice (<TLS code>)", one attempt per item, nothing received', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
	let received = 0;
	const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
		received++;
		res.writeHead(200).end('{}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const data = { ...bench.credentials.husky.data, baseUrl: `https://127.0.0.1:${(server.address() as { port: number }).port}/v1` };
	const id = await bench.n8n.createCredential('HuskyVoice (self-signed)', 'huskyVoiceApi', data);
	const saved = bench.credentials.husky;
	bench.credentials.husky = { ...saved, id, name: 'HuskyVoice (self-signed)', data };
	try {
		const run = await runThroughWebhook(bench, { type: 'huskyVoice', credential: 'husky', parameters: { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, onError: 'continueRegularOutput' }, [{ id: 'call_t1' }, { id: 'call_t2' }]);
		expect(run.items.map((item) => item.error)).toEqual([
			'HuskyVoice: could not reach HuskyVoice (DEPTH_ZERO_SELF_SIGNED_CERT)',
			'HuskyVoice: could not reach HuskyVoice (DEPTH_ZERO_SELF_SIGNED_CERT)',
		]);
		expect(run.items.map((item) => (item.details as IDataObject).attempts)).toEqual([1, 1]);
		expect(received).toBe(0);
	} finally {
		bench.credentials.husky = saved;
		await new Promise((resolve) => server.close(resolve));
		rmSync(dir, { recursive: true, force: true });
	}
});
