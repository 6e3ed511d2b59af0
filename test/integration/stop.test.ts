import type { IDataObject } from 'n8n-workflow';

import { daysAgo, runNode, useEmulators } from './setup';

// Deletion is irreversible: when a user presses Stop on a bulk run, no further call may be deleted.

const bench = useEmulators();

const deletesSent = (provider: string) =>
	bench.emulator.log.entries({ provider }).filter((entry) => entry.method === 'DELETE' || entry.path.endsWith('/delete')).length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('Stop during a Stream bulk delete: the node returns, and no call is deleted after it', async () => {
	const ids = Array.from({ length: 200 }, (_, index) => `stop-${index}`);
	bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
	bench.emulator.configure({ latencyMs: { stream: 100 } });

	// 200 deletes at 2 at a time and 100 ms each would take 10 s; Stop comes after 1 s.
	const run = await runNode(
		bench.store,
		'streamVideo',
		{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: { concurrency: 2 } },
		ids.map((callId) => ({ callId })),
		{ stopAfterMs: 1000 },
	);

	expect(run.run.status).toBe('canceled');
	const sentBeforeReturn = deletesSent('stream');
	expect(sentBeforeReturn).toBeGreaterThan(0);
	expect(sentBeforeReturn).toBeLessThan(100);
	// Nothing keeps running in the background once the execution has ended.
	await pause(1500);
	expect(deletesSent('stream')).toBe(sentBeforeReturn);
	const stillThere = ids.filter(
		(id) => !(bench.emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', id)?.deleted,
	);
	expect(stillThere.length).toBe(200 - sentBeforeReturn);
});

test('Stop while HuskyVoice items wait for the rate limit: the waiting items are never sent', async () => {
	(bench.emulator.husky.configure as (c: IDataObject) => void)({ rateLimitPerMinute: 5 });
	const ids = Array.from({ length: 20 }, (_, index) => `call_stop${index}`);
	bench.emulator.husky.seedCalls(ids.map((call_id) => ({ call_id, status: 'completed' })) as never);

	// At most 5 go (the first window opens over a few seconds); the other 15 would wait for the next minute.
	// The test's own timeout is well below that.
	const run = await runNode(
		bench.store,
		'huskyVoice',
		{ authentication: 'apiKey', resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', options: { rateLimitPerMinute: 5 } },
		ids.map((callId) => ({ callId })),
		{ stopAfterMs: 1000 },
	);

	expect(run.run.status).toBe('canceled');
	const sentBeforeReturn = deletesSent('husky');
	expect(sentBeforeReturn).toBeGreaterThan(0);
	expect(sentBeforeReturn).toBeLessThanOrEqual(5);
	await pause(1500);
	expect(deletesSent('husky')).toBe(sentBeforeReturn);
}, 20_000);
