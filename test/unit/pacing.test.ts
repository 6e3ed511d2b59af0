import { RequestPacer, retryAfterMs } from '../../nodes/shared/pacing';

/** Runs `acquire` calls and records the (fake) time at which each was allowed through. */
async function admissionTimes(pacer: RequestPacer, count: number, key?: string, onAdmit?: (i: number) => void) {
	const start = Date.now();
	const times: number[] = new Array(count);
	const all = Array.from({ length: count }, (_, i) =>
		pacer.acquire(key).then(() => {
			times[i] = Date.now() - start;
			onAdmit?.(i);
		}),
	);
	let settled = false;
	void Promise.all(all).then(() => (settled = true));
	while (!settled) await jest.advanceTimersByTimeAsync(5);
	return times;
}

describe('RequestPacer', () => {
	beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	test('sliding window: never more than the limit inside any window, and no slower than needed', async () => {
		const pacer = new RequestPacer({ kind: 'slidingWindow', limit: 3, windowMs: 1000 });
		const times = (await admissionTimes(pacer, 7)).sort((a, b) => a - b);
		expect(times.slice(0, 3)).toEqual([0, 0, 0]);
		for (let i = 3; i < times.length; i++) {
			// the i-th request waits for request i-3 to leave the window (plus a small clock margin)
			expect(times[i] - times[i - 3]).toBeGreaterThanOrEqual(1000);
			expect(times[i] - times[i - 3]).toBeLessThanOrEqual(1100);
		}
	});

	test('a 429 with Retry-After pauses every worker until then', async () => {
		const pacer = new RequestPacer({ kind: 'none' });
		await pacer.acquire();
		pacer.observe('default', 429, { 'retry-after': '2' });
		const times = await admissionTimes(pacer, 3);
		for (const time of times) expect(time).toBeGreaterThanOrEqual(2000);
	});

	test('rate-limit headers: learns the limit from the first answer, then keeps the per-second cap and waits for the reset', async () => {
		const pacer = new RequestPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		const resetSeconds = Math.floor(Date.now() / 1000) + 60;
		// First request goes alone; its answer announces 60/min with 3 left (per-second cap 2/s).
		await pacer.acquire('deleteCall');
		pacer.observe('deleteCall', 201, {
			'x-ratelimit-limit': '60',
			'x-ratelimit-remaining': '3',
			'x-ratelimit-reset': String(resetSeconds),
		});
		pacer.release('deleteCall');
		const times = await admissionTimes(pacer, 4, 'deleteCall', () => pacer.release('deleteCall'));
		// Including the first request: never more than 2 inside any second (the cap of 60/min ÷ 30).
		const sorted = [0, ...times].sort((a, b) => a - b);
		for (let i = 2; i < sorted.length; i++) expect(sorted[i] - sorted[i - 2]).toBeGreaterThanOrEqual(1000);
		// The second request goes at once: a burst up to the cap, not forced spacing.
		expect(sorted[1]).toBe(0);
		expect(sorted[2]).toBeLessThanOrEqual(1100);
		// 3 remained in the minute: the 4th new request waits for the next window.
		expect(sorted[4]).toBeGreaterThanOrEqual(60_000 - 1000);
	});

	test('per-second cap: a request holds its slot until one second after its answer, however slow the answer', async () => {
		const pacer = new RequestPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await pacer.acquire('getTask');
		pacer.observe('getTask', 200, {
			'x-ratelimit-limit': '60',
			'x-ratelimit-remaining': '59',
			'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
		});
		pacer.release('getTask');
		await jest.advanceTimersByTimeAsync(1100);
		// The cap is 2/s: two requests go at once and are slow to answer.
		await pacer.acquire('getTask');
		await pacer.acquire('getTask');
		const start = Date.now();
		let third = -1;
		void pacer.acquire('getTask').then(() => (third = Date.now() - start));
		await jest.advanceTimersByTimeAsync(1500);
		expect(third).toBe(-1); // both slots held by requests in flight
		pacer.release('getTask'); // one is answered at 1,500 ms
		await jest.advanceTimersByTimeAsync(900);
		expect(third).toBe(-1); // that request may have reached the provider just now: its slot stays taken for a second
		await jest.advanceTimersByTimeAsync(200);
		expect(third).toBeGreaterThanOrEqual(2500);
		expect(third).toBeLessThanOrEqual(2600);
	});

	test('a host that sends no rate-limit headers is not paced', async () => {
		const pacer = new RequestPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await pacer.acquire('x');
		pacer.observe('x', 200, {});
		pacer.release('x');
		const times = await admissionTimes(pacer, 20, 'x');
		expect(Math.max(...times)).toBe(0);
	});

	test('Retry-After accepts seconds and HTTP dates', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
		expect(retryAfterMs({}, now)).toBeUndefined();
	});
});
