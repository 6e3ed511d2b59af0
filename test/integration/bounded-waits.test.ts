/**
 * Every wait is bounded: a Retry-After or a spent window's X-RateLimit-Reset far in the future fails the items at
 * once, saying when the provider said to come back, instead of holding them (and every other item) until then; a
 * trigger poll never waits past its budget. These tests would time out (jest's 5 s) if anything waited.
 */
import type { IDataObject } from 'n8n-workflow';

import { pollTrigger } from '../../dev/harness/n8n-inprocess';
import { runNode, useEmulators } from './setup';

const bench = useEmulators();
const onError = { onError: 'continueRegularOutput' as const };
const details = (item: IDataObject) => item.details as IDataObject;

test('Stream: a one-hour Retry-After fails every item at once with when to come back; one request sent', async () => {
	bench.emulator.stream.seedCalls(['w1', 'w2', 'w3'].map((id) => ({ type: 'default', id, ended_at: new Date().toISOString() })) as never);
	bench.emulator.faults.add({ provider: 'stream', type: 'status', status: 429, retryAfter: 3600 });
	const before = Date.now();
	const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', options: { concurrency: 1 } }, [{ id: 'w1' }, { id: 'w2' }, { id: 'w3' }], onError);
	expect(run.out).toHaveLength(3);
	expect(run.out.map((item) => details(item).callId)).toEqual(['w1', 'w2', 'w3']);
	for (const item of run.out) {
		expect(item.deleted).toBeUndefined();
		const comeBack = /asked to come back at (\S+Z)/.exec(String(details(item).description));
		expect(comeBack).not.toBeNull();
		// The time named is the provider's hour, not something shorter.
		expect(Date.parse(comeBack![1])).toBeGreaterThanOrEqual(before + 3_600_000);
	}
	expect(run.out.slice(1).map((item) => item.error)).toEqual([expect.stringMatching(/^Stream Video: rate limited until /), expect.stringMatching(/^Stream Video: rate limited until /)]);
	expect(bench.emulator.log.entries({ provider: 'stream' })).toHaveLength(1);
});

test('Stream: a spent window whose X-RateLimit-Reset is a day away fails the items at once, not after a day', async () => {
	bench.emulator.faults.add({ provider: 'stream', type: 'status', status: 429, headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0' }, resetInSeconds: 86_400 });
	const run = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}' }, [{ id: 'd1' }, { id: 'd2' }], onError);
	expect(run.out.map((item) => details(item).callId)).toEqual(['d1', 'd2']);
	for (const item of run.out) expect(String(details(item).description)).toMatch(/asked to come back at/);
	expect(bench.emulator.log.entries({ provider: 'stream' }).length).toBeLessThanOrEqual(2);
});

test('HuskyVoice: a Retry-After beyond the retry budget fails the item at once (no other item waits for it)', async () => {
	bench.emulator.faults.add({ provider: 'husky', type: 'status', status: 429, retryAfter: 86_400 });
	const run = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, [{ id: 'call_w1' }, { id: 'call_w2' }], onError);
	expect(run.out.map((item) => details(item).callId)).toEqual(['call_w1', 'call_w2']);
	for (const item of run.out) expect(String(details(item).description)).toMatch(/asked to come back at/);
});

test('a trigger poll does not wait past its budget for a Retry-After the retry budget would allow', async () => {
	const ids = ['poll-a', 'poll-b', 'poll-c'];
	bench.emulator.stream.seedTasks(ids.map((taskId) => ({ taskId, status: 'completed' })) as never);
	// 30 s is well inside an action's 5-minute retry budget, but not inside this poll's 2 s.
	bench.emulator.faults.add({ provider: 'stream', path: '/tasks/', type: 'status', status: 429, retryAfter: 30, times: 1 });
	const staticData: IDataObject = {};
	const parameters = { event: 'hardDeleteFinished', taskIds: ids.join(','), options: { concurrency: 1 } };
	const first = await pollTrigger(bench.store, { credentialId: 'stream', staticData, parameters, pollBudgetMs: 2000 });
	expect(first).toBeNull();
	// The 429 paused the others: they were not sent, and did not wait 30 s to be.
	expect(bench.emulator.log.entries({ provider: 'stream' })).toHaveLength(1);
	// The tasks are still watched: the next poll reports them.
	const second = await pollTrigger(bench.store, { credentialId: 'stream', staticData, parameters, pollBudgetMs: 2000 });
	expect(second?.map((item) => item.taskId).sort()).toEqual(ids);
});

test("Stop ends the run while Microsoft's token service has not answered (n8n's Stop cannot abort a credential's request)", async () => {
	bench.emulator.faults.add({ provider: 'login', type: 'latency', latencyMs: 4000 });
	const ids = ['00000000-0000-4000-8000-000000000501', '00000000-0000-4000-8000-000000000502'];
	const run = await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, ids.map((id) => ({ id })), { stopAfterMs: 300 });
	// The run is over, and the token request it started is still waiting for its answer.
	const tokenRequests = bench.emulator.log.entries({ provider: 'login' });
	expect(tokenRequests.length).toBeGreaterThan(0);
	expect(tokenRequests.every((entry) => entry.status === undefined)).toBe(true);
	expect(bench.emulator.log.entries({ provider: 'graph' })).toHaveLength(0);
	expect(String(run.error?.message ?? JSON.stringify(run.out))).toMatch(/stopped/i);
});
