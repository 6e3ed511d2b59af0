/**
 * A credential's base URL with a query or fragment would send every item to the same URL (for the webhook token,
 * into a fragment that is never sent); with http to a non-loopback host, it would send secrets in the clear. Every
 * item fails before any request, and names its call.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode, sandbox, useEmulators } from './setup';

const bench = useEmulators();
const onError = { onError: 'continueRegularOutput' as const };

test.each([
	['a query', (base: string) => `${base}?region=eu`, /must not contain a query \(\?\) or fragment \(#\)/],
	['a fragment', (base: string) => `${base}#x`, /must not contain a query \(\?\) or fragment \(#\)/],
	['http to another host', () => 'http://stream.example.com', /must use https/],
])('a Stream base URL with %s fails every item, sending nothing', async (_what, url, message) => {
	bench.store.set('stream', { ...sandbox.stream, baseUrl: url(bench.emulator.streamBaseUrl) });
	const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}' }, [{ id: 'b1' }, { id: 'b2' }], onError);
	expect(run.out).toHaveLength(2);
	for (const item of run.out) expect(String(item.error)).toMatch(message);
	expect(run.out.map((item) => (item.details as IDataObject).callId)).toEqual(['b1', 'b2']);
	expect(bench.emulator.log.entries()).toEqual([]);
});

test('a webhook base URL with a fragment (the token would land after the #) fails, sending nothing', async () => {
	bench.store.set('husky-webhook', { webhookToken: sandbox.husky.webhookToken, baseUrl: `${bench.emulator.huskyBaseUrl}#` });
	const run = await runNode(bench.store, 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_b1' }, [{}], onError);
	expect(String(run.out[0].error)).toMatch(/must not contain a query \(\?\) or fragment \(#\)/);
	expect(bench.emulator.log.entries()).toEqual([]);
});

test('a Graph authority URL with a query fails before the client secret is posted', async () => {
	bench.store.set('graph', { ...(bench.store.data.get('graph') as IDataObject), authorityUrl: `${bench.emulator.authorityUrl}?x=1` } as never);
	const run = await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '00000000-0000-4000-8000-000000000001' }, [{}], onError);
	expect(String(run.out[0].error)).toMatch(/authority URL must not contain a query/);
	expect(bench.emulator.log.entries()).toEqual([]);
});
