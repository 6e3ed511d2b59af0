/**
 * "May have acted" only where no answer came: a 503 says nothing was done, so a 404 after it means the call was
 * never there; a 504 (a gateway that lost the answer) may hide a delete, so a 404 after it is "most likely deleted".
 */
import { runNode, useEmulators } from './setup';

const bench = useEmulators();

test('a 503 then a 404 on a call that never existed is not recorded as deleted by the first attempt', async () => {
	bench.emulator.faults.add({ provider: 'husky', method: 'DELETE', type: 'status', status: 503, times: 1 });
	const run = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_never' }, [{}], {
		onError: 'continueRegularOutput',
	});
	expect(bench.emulator.log.entries({ provider: 'husky', method: 'DELETE' }).map((entry) => entry.status)).toEqual([503, 404]);
	expect(run.out).toHaveLength(1);
	expect(run.out[0].outcome).toBeUndefined();
	expect(run.out[0].deleted).toBeUndefined();
	expect(JSON.stringify(run.out[0])).not.toMatch(/most likely deleted/);
	expect(run.out[0]).toMatchObject({ details: { callId: 'call_never', httpStatus: 404, code: 'NOT_FOUND' } });
});

test('a 504 then a 404: the gateway may have lost the answer of a delete that happened, and the record says so', async () => {
	bench.emulator.faults.add({ provider: 'husky', method: 'DELETE', type: 'status', status: 504, times: 1 });
	const run = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_gone' }, [{}]);
	expect(run.error).toBeUndefined();
	expect(run.out[0]).toMatchObject({ callId: 'call_gone', outcome: 'not_found', retried: true, note: expect.stringMatching(/most likely deleted/) });
});
