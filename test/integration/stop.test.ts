import type { IDataObject } from 'n8n-workflow';

import { daysAgo, runNode, useEmulators } from './setup';
import type { LogEntry } from '../../dev/emulators/client';
import { until } from '../../dev/executions';

// Deletion is irreversible: when a user presses Stop on a bulk run, no further call may be deleted.

const bench = useEmulators();

const deletes = (provider: string) =>
	bench.emulator.log.entries({ provider }).filter((entry) => entry.method === 'DELETE' || entry.path.endsWith('/delete'));

/** The deletes the emulator received, once it answers (or saw the end of) every request it has. */
const settled = async (provider: string) =>
	await until(
		async () => deletes(provider),
		(sent) => sent.every((entry) => entry.status !== undefined) && (bench.emulator.stats()[provider] as IDataObject).inFlight === 0,
		`${provider} requests to settle`,
		{
			intervalMs: 10,
			timeoutMs: 10_000,
			describe: (sent) => `${sent.length} deletes, ${sent.filter((entry) => entry.status === undefined).length} unanswered`,
		},
	);

/**
 * Presses Stop the moment the emulator receives the `nth` delete (before answering it), and notes what the emulator
 * had seen then: how many deletes, and how many of them were still unanswered (in flight).
 */
function stopAtDelete(provider: string, path: string, nth: number) {
	const seen = { deletes: 0, inFlight: 0 };
	let press!: () => void;
	const stop = new Promise<void>((resolve) => (press = resolve));
	bench.emulator.faults.add({
		provider,
		method: provider === 'husky' ? 'DELETE' : 'POST',
		path,
		type: 'latency',
		latencyMs: 0,
		every: nth,
		times: 1,
		onMatch: () => {
			const sent = deletes(provider);
			seen.deletes = sent.length;
			seen.inFlight = sent.filter((entry: LogEntry) => entry.status === undefined).length;
			press();
		},
	} as IDataObject);
	return { stop, seen };
}

test('Stop during a Stream bulk delete: the node returns, and no call is deleted after it except those in flight', async () => {
	const ids = Array.from({ length: 200 }, (_, index) => `stop-${index}`);
	bench.emulator.stream.seedCalls(ids.map((id) => ({ type: 'default', id, ended_at: daysAgo(40) })) as never);
	bench.emulator.configure({ latencyMs: { stream: 100 } });
	const concurrency = 2;
	const { stop, seen } = stopAtDelete('stream', '/delete$', 10);

	const run = await runNode(
		bench.store,
		'streamVideo',
		{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: { concurrency } },
		ids.map((callId) => ({ callId })),
		{ stop },
	);

	// n8n waits for the stopped node to return; the requests it aborted may still be settling at the emulator.
	expect(run.run.status).toBe('canceled');
	expect(seen.deletes).toBe(10);
	const sent = await settled('stream');
	// After Stop, only what was already on its way may arrive: at most `concurrency` requests are out at once,
	// and those the emulator had in flight at the Stop are counted already.
	expect(sent.length - seen.deletes).toBeLessThanOrEqual(concurrency - seen.inFlight);
	// Every call the emulator did not receive a delete for is still there.
	const stillThere = await until(
		async () =>
			ids.filter((id) => !(bench.emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', id)?.deleted),
		(left) => left.length <= 200 - sent.length,
		'the deletes received to be applied',
		{ intervalMs: 10, timeoutMs: 10_000, describe: (left) => `${left.length} calls left` },
	);
	expect(stillThere).toEqual(ids.filter((id) => !sent.some((entry) => entry.path.includes(`/${id}/`))));
});

test('Stop while HuskyVoice items wait for the rate limit: the waiting items are never sent', async () => {
	(bench.emulator.husky.configure as (c: IDataObject) => void)({ rateLimitPerMinute: 5 });
	const ids = Array.from({ length: 20 }, (_, index) => `call_stop${index}`);
	bench.emulator.husky.seedCalls(ids.map((call_id) => ({ call_id, status: 'completed' })) as never);
	// Stop once the minute's 5 have gone; the other 15 would wait for the next minute (longer than this test may take).
	const { stop, seen } = stopAtDelete('husky', '/calls/', 5);

	const run = await runNode(
		bench.store,
		'huskyVoice',
		{ authentication: 'apiKey', resource: 'call', operation: 'delete', callId: '={{ $json.callId }}', options: { rateLimitPerMinute: 5 } },
		ids.map((callId) => ({ callId })),
		{ stop },
	);

	expect(run.run.status).toBe('canceled');
	expect(seen.deletes).toBe(5);
	const sent = await settled('husky');
	expect(sent.map((entry) => entry.path.split('/').pop())).toEqual(ids.slice(0, 5));
}, 20_000);
