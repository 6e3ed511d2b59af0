/**
 * A network fault is a network fault: a host that does not resolve, a refused certificate, or a token service that
 * answers 5xx/429 is described as such, retried where retrying can help, and every failed item names its call.
 * A credential that really cannot authenticate is a setup failure, and its items name their calls too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { runNode, sandbox, useEmulators } from './setup';

const bench = useEmulators();
const onError = { onError: 'continueRegularOutput' as const };
const details = (item: IDataObject) => item.details as IDataObject;
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const graphDelete = (extra: IDataObject = {}) => ({ resource: 'call', operation: 'delete', callId: '={{ $json.id }}', ...extra });

/** An https server on loopback with a self-signed certificate: every TLS client that checks certificates refuses it. */
let tls: { server: Server; url: string; requests: number; dir: string };
beforeAll(async () => {
	const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
	let requests = 0;
	const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
		requests++;
		res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	tls = { server, url: `https://127.0.0.1:${(server.address() as { port: number }).port}`, dir, get requests() { return requests; } } as never;
});
afterAll(async () => {
	await new Promise((resolve) => tls.server.close(resolve));
	rmSync(tls.dir, { recursive: true, force: true });
});

test('a host that does not resolve: "could not reach" for each item, with its call ID, tried twice, not blamed on the credential', async () => {
	bench.store.set('stream', { ...sandbox.stream, baseUrl: 'https://call-deletion-test.invalid' });
	const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}' }, [{ id: 'n1' }, { id: 'n2' }], onError);
	expect(run.out).toHaveLength(2);
	run.out.forEach((item, index) => {
		expect(item.error).toBe('Stream Video: could not reach Stream Video (ENOTFOUND)');
		expect(details(item)).toMatchObject({ callId: ['n1', 'n2'][index], code: 'ENOTFOUND', attempts: 2 });
		expect(String(details(item).description)).not.toMatch(/credential could not authenticate/);
	});
});

test('a refused certificate: "could not reach" with the TLS code, one attempt per item, nothing sent', async () => {
	bench.store.set('husky', { apiKey: sandbox.husky.apiKey, authHeader: 'xApiKey', baseUrl: tls.url });
	const run = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, [{ id: 'call_t1' }, { id: 'call_t2' }], onError);
	expect(run.out.map((item) => item.error)).toEqual([
		'HuskyVoice: could not reach HuskyVoice (DEPTH_ZERO_SELF_SIGNED_CERT)',
		'HuskyVoice: could not reach HuskyVoice (DEPTH_ZERO_SELF_SIGNED_CERT)',
	]);
	expect(run.out.map((item) => details(item).callId)).toEqual(['call_t1', 'call_t2']);
	expect(run.out.map((item) => details(item).attempts)).toEqual([1, 1]);
	expect(tls.requests).toBe(0);
});

test("the token service's 503 and 429 are retried, and the calls are hung up", async () => {
	const ids = [guid(301), guid(302)];
	bench.emulator.graph.seedCalls(ids.map((id) => ({ id, state: 'established' })) as never);
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 503, times: 1 });
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 429, retryAfter: 0, times: 1 });
	const run = await runNode(bench.store, 'microsoftGraphCalls', graphDelete({ options: { concurrency: 1 } }), ids.map((id) => ({ id })));
	expect(run.error).toBeUndefined();
	expect(run.out.map((item) => item.deleted)).toEqual([true, true]);
	expect(bench.emulator.log.entries({ provider: 'login' }).map((entry) => entry.status)).toEqual([503, 429, 200]);
});

test('a token service that stays unavailable fails each item as unavailable (not as a wrong secret), naming its call', async () => {
	const ids = [guid(311), guid(312)];
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 503 });
	const run = await runNode(bench.store, 'microsoftGraphCalls', graphDelete({ options: { maxAttempts: 2 } }), ids.map((id) => ({ id })), onError);
	expect(run.out).toHaveLength(2);
	run.out.forEach((item, index) => {
		expect(String(item.error)).toMatch(/^Microsoft Graph: Microsoft's token service is unavailable \(HTTP 503\)/);
		expect(details(item)).toMatchObject({ callId: ids[index], code: 'TOKEN_HTTP_503', attempts: 2 });
	});
	// Each item tried twice: nothing failed "at once" for the others.
	expect(bench.emulator.log.entries({ provider: 'login' })).toHaveLength(4);
	expect(bench.emulator.log.entries({ provider: 'graph' })).toHaveLength(0);
});

test('an authority that does not resolve: the token service could not be reached', async () => {
	bench.store.set('graph', { ...(bench.store.data.get('graph') as IDataObject), authorityUrl: 'https://login.call-deletion-test.invalid' } as never);
	const run = await runNode(bench.store, 'microsoftGraphCalls', graphDelete(), [{ id: guid(321) }], onError);
	expect(run.out[0].error).toBe("Microsoft Graph: Microsoft's token service could not be reached (ENOTFOUND)");
	expect(details(run.out[0])).toMatchObject({ callId: guid(321), code: 'ENOTFOUND', attempts: 2 });
});

test('a wrong client secret fails every item at once as a credential failure, and each error item names its call', async () => {
	bench.store.set('graph', { ...(bench.store.data.get('graph') as IDataObject), clientSecret: 'wrong-secret', accessToken: '' } as never);
	const ids = [guid(331), guid(332), guid(333)];
	const run = await runNode(bench.store, 'microsoftGraphCalls', graphDelete(), ids.map((id) => ({ id })), onError);
	expect(run.out.map((item) => details(item).callId)).toEqual(ids);
	expect(run.out.every((item) => /client secret is wrong/.test(String(item.error)))).toBe(true);
	expect(bench.emulator.log.entries({ provider: 'login' })).toHaveLength(1);
});

test("a stale token whose refresh meets the token service's 503: refreshed again on the retry, and the call hung up", async () => {
	bench.store.set('graph', { ...(bench.store.data.get('graph') as IDataObject), accessToken: 'stale-token-from-an-earlier-run' } as never);
	bench.emulator.graph.seedCalls([{ id: guid(341), state: 'established' }] as never);
	bench.emulator.faults.add({ provider: 'login', type: 'status', status: 503, times: 1 });
	const run = await runNode(bench.store, 'microsoftGraphCalls', graphDelete(), [{ id: guid(341) }], onError);
	expect(run.out[0]).toMatchObject({ callId: guid(341), deleted: true });
	expect(bench.emulator.log.entries({ provider: 'login' }).map((entry) => entry.status)).toEqual([503, 200]);
});
