import { askedWaitMs, createPacer, type Pacer, retryAfterMs, TurnTooLate } from '../../nodes/shared/pacing';

/** Runs `acquire` calls and records the (fake) time at which each was allowed through. */
async function admissionTimes(pacer: Pacer, count: number, key = 'default', onAdmit?: (ticket: unknown) => void) {
	const start = Date.now();
	const times: number[] = new Array(count);
	const all = Array.from({ length: count }, (_, i) =>
		pacer.acquire(key).then((ticket) => {
			times[i] = Date.now() - start;
			onAdmit?.(ticket);
		}),
	);
	let settled = false;
	void Promise.all(all).then(() => (settled = true));
	while (!settled) await jest.advanceTimersByTimeAsync(5);
	return times;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Headers of a Stream-like answer. */
function rateHeaders(limit: number, remaining: number, resetSeconds: number, extra: Record<string, string> = {}): Record<string, string> {
	return {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(remaining),
		'x-ratelimit-reset': String(resetSeconds),
		...extra,
	};
}

/** Waits (in fake time) for one turn: requests leave evenly spaced, so a turn may not be given at once. */
async function admit(pacer: Pacer, key: string): Promise<unknown> {
	let ticket: unknown;
	void pacer.acquire(key).then((given) => (ticket = given));
	while (ticket === undefined) await jest.advanceTimersByTimeAsync(5);
	return ticket;
}

/** One request through the pacer, answered at once with these headers. */
async function answered(pacer: Pacer, key: string, status: number, headers: Record<string, string>) {
	return pacer.settle(await admit(pacer, key), { status, headers });
}

/**
 * Shows the pacer it is alone on the limit: answers over most of a second whose X-RateLimit-Remaining falls
 * exactly by our own requests. Returns the remaining count it ended with.
 */
async function learnAlone(pacer: Pacer, key: string, limit: number, remaining: number, resetSeconds: number) {
	// Alone for two seconds of answers: then the pacer takes the whole per-second cap.
	for (let i = 0; i < 8; i++) {
		const ticket = await admit(pacer, key);
		pacer.settle(ticket, { status: 200, headers: rateHeaders(limit, --remaining, resetSeconds) });
		await jest.advanceTimersByTimeAsync(400);
	}
	await jest.advanceTimersByTimeAsync(1100);
	return remaining;
}

describe('pacer', () => {
	beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:10Z') }));
	afterEach(() => jest.useRealTimers());

	test('sliding window: never more than the limit inside any window; the first window fills within a few steps', async () => {
		const pacer = createPacer({ kind: 'slidingWindow', limit: 60, windowMs: 60_000 });
		const times = (await admissionTimes(pacer, 150, 'default', (ticket) => pacer.settle(ticket, { status: 200, headers: {} }))).sort(
			(a, b) => a - b,
		);
		// Starts at a twentieth of the limit per second, evenly spaced, and grows by half every second: the
		// whole window has been sent after about 6 s.
		expect(times[0]).toBe(0);
		expect(times[1]).toBeGreaterThanOrEqual(300);
		expect(times[59]).toBeLessThanOrEqual(6_500);
		for (let i = 60; i < times.length; i++) {
			// the i-th request waits for request i-60 to leave the window (plus a small clock margin)
			expect(times[i] - times[i - 60]).toBeGreaterThanOrEqual(60_000);
			expect(times[i] - times[i - 60]).toBeLessThanOrEqual(60_200);
		}
	});

	test('sliding window: a request holds its slot until one window after its answer, however slow the answer', async () => {
		const pacer = createPacer({ kind: 'slidingWindow', limit: 1, windowMs: 60_000 });
		const slow = await pacer.acquire('default');
		const start = Date.now();
		let next = -1;
		void pacer.acquire('default').then(() => (next = Date.now() - start));
		// Answered 10 s after it left: it may have reached the provider only just then.
		await jest.advanceTimersByTimeAsync(10_000);
		pacer.settle(slow, { status: 200, headers: {} });
		await jest.advanceTimersByTimeAsync(59_000);
		expect(next).toBe(-1); // a window after it left, but not yet a window after its answer
		await jest.advanceTimersByTimeAsync(2_000);
		expect(next).toBeGreaterThanOrEqual(70_000);
		expect(next).toBeLessThanOrEqual(70_100);
	});

	test('a 429 with Retry-After pauses every worker until then, no longer', async () => {
		const pacer = createPacer({ kind: 'none' });
		expect(await answered(pacer, 'default', 429, { 'retry-after': '2' })).toBe(2000);
		const times = await admissionTimes(pacer, 3);
		for (const time of times) {
			expect(time).toBeGreaterThanOrEqual(2000);
			expect(time).toBeLessThanOrEqual(2100);
		}
	});

	test('a Retry-After beyond what a request may wait fails its turn at once, naming when, instead of holding it', async () => {
		const pacer = createPacer({ kind: 'none' });
		await answered(pacer, 'default', 429, { 'retry-after': '3600' });
		const asked = pacer.acquire('default', undefined, { maxWaitMs: 300_000 });
		await expect(asked).rejects.toBeInstanceOf(TurnTooLate);
		const tooLate = (await asked.catch((error: unknown) => error)) as TurnTooLate;
		expect(tooLate.askedByProvider).toBe(true);
		expect(tooLate.until).toBeGreaterThanOrEqual(Date.now() + 3_600_000);
		// A poll's end bounds it too: a wait the retry budget would allow is refused past the poll's end.
		const shortPause = createPacer({ kind: 'none' });
		await answered(shortPause, 'default', 429, { 'retry-after': '20' });
		await expect(shortPause.acquire('default', undefined, { maxWaitMs: 300_000, notAfter: Date.now() + 2000 })).rejects.toBeInstanceOf(TurnTooLate);
		// Within the bound, the turn is given after the pause.
		const times = await admissionTimes(shortPause, 1);
		expect(times[0]).toBeGreaterThanOrEqual(20_000);
	});

	test("a spent window whose X-RateLimit-Reset is a day away fails each request's turn at once, not after a day", async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'k', 200, rateHeaders(1000, 0, nowSeconds() + 86_400));
		const turns = await Promise.allSettled([1, 2, 3].map(() => pacer.acquire('k', undefined, { maxWaitMs: 300_000 })));
		expect(turns.map((turn) => turn.status)).toEqual(['rejected', 'rejected', 'rejected']);
		for (const turn of turns) expect((turn as PromiseRejectedResult).reason).toMatchObject({ askedByProvider: true });
	});

	test('a 429 with no headers at all does not pause the others (the item backs off on its own)', async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		expect(await answered(pacer, 'x', 429, {})).toBeUndefined();
		const times = await admissionTimes(pacer, 5, 'x');
		expect(Math.max(...times)).toBe(0);
	});

	test("rate-limit headers: learns the limit, keeps the per-second cap when alone, waits for the provider's reset", async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		const resetSeconds = nowSeconds() + 60;
		const left = await learnAlone(pacer, 'deleteCall', 60, 12, resetSeconds);
		// 60/min: per-second cap 2/s; 4 left in the minute.
		const start = Date.now();
		const times = await admissionTimes(pacer, 6, 'deleteCall', (ticket) => pacer.settle(ticket));
		const sorted = times.sort((a, b) => a - b);
		expect(left).toBe(4);
		// Never more than 2 inside any second (the cap of 60/min ÷ 30), evenly spaced rather than in bursts.
		for (let i = 2; i < sorted.length; i++) expect(sorted[i] - sorted[i - 2]).toBeGreaterThanOrEqual(1000);
		expect(sorted[0]).toBe(0);
		expect(sorted[1]).toBeGreaterThanOrEqual(495);
		expect(sorted[1]).toBeLessThanOrEqual(510);
		// 4 remained in the minute: the 5th waits for the provider's reset, and not past it.
		const resetIn = resetSeconds * 1000 - start;
		expect(sorted[4]).toBeGreaterThanOrEqual(resetIn);
		expect(sorted[4]).toBeLessThanOrEqual(resetIn + 100);
	});

	test("the provider's clock wins: a reset earlier than the one we knew ends the wait then", async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'k', 201, rateHeaders(1200, 900, nowSeconds() + 50));
		// A 429: nothing left, and the provider's window ends in one second (not in the 50 s we knew).
		await answered(pacer, 'k', 429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(nowSeconds() + 1) });
		const times = (await admissionTimes(pacer, 3, 'k')).sort((a, b) => a - b);
		expect(times[0]).toBeLessThanOrEqual(1100);
		// The rest follow at the per-second rate, not 50 s later.
		expect(times[2]).toBeLessThanOrEqual(1500);
	});

	test("the provider's clock wins: after an idle gap, the first answer's reset replaces the window we had to guess", async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'k', 201, rateHeaders(1200, 1000, nowSeconds() + 5));
		// Idle past the provider's reset: the pacer guesses a full new window of a minute.
		await jest.advanceTimersByTimeAsync(20_000);
		// The provider's new window ends 5 s from now and has 1 request left (others spent the rest).
		const resetAt = (nowSeconds() + 5) * 1000;
		await answered(pacer, 'k', 201, rateHeaders(1200, 1, resetAt / 1000));
		const start = Date.now();
		const times = (await admissionTimes(pacer, 3, 'k', (ticket) => pacer.settle(ticket))).sort((a, b) => a - b);
		// The one request left goes at its turn in the spacing (a tenth of a second at the starting rate).
		expect(times[0]).toBeLessThanOrEqual(100);
		// The rest wait for the provider's reset (5 s), not for the end of the guessed window (a minute), then go a
		// tenth of a second apart.
		expect(times[1]).toBeGreaterThanOrEqual(resetAt - start);
		expect(times[1]).toBeLessThanOrEqual(resetAt - start + 100);
		expect(times[2]).toBeLessThanOrEqual(resetAt - start + 200);
	});

	test('a per-second 429 that leaves budget costs one short pause, not the rest of the window', async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'k', 201, rateHeaders(1200, 1100, nowSeconds() + 50));
		for (const extra of [{ 'retry-after': '1' }, {}] as Array<Record<string, string>>) {
			const ticket = await admit(pacer, 'k');
			const start = Date.now();
			expect(pacer.settle(ticket, { status: 429, headers: rateHeaders(1200, 1000, nowSeconds() + 50, extra) })).toBeLessThanOrEqual(1000);
			const times = await admissionTimes(pacer, 2, 'k', (ticket) => pacer.settle(ticket));
			expect(Math.min(...times)).toBeGreaterThanOrEqual(1000 - (Date.now() - start - Math.max(...times)));
			expect(Math.max(...times)).toBeLessThanOrEqual(2100);
		}
	});

	test('missing reset header: a spent window is probed once a second, not waited out for a guessed minute', async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'k', 201, { 'x-ratelimit-limit': '1200', 'x-ratelimit-remaining': '0' });
		const times = await admissionTimes(pacer, 2, 'k', (ticket) => pacer.settle(ticket));
		expect(Math.max(...times)).toBeLessThanOrEqual(2100);
	});

	test('per-second cap: a request holds its slot until one second after its answer, however slow the answer', async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await learnAlone(pacer, 'getTask', 60, 59, nowSeconds() + 60);
		// The cap is 2/s: two requests go at once and are slow to answer.
		const slow = await admit(pacer, 'getTask');
		await admit(pacer, 'getTask');
		const start = Date.now();
		let third = -1;
		void pacer.acquire('getTask').then(() => (third = Date.now() - start));
		await jest.advanceTimersByTimeAsync(1500);
		expect(third).toBe(-1); // both slots held by requests in flight
		pacer.settle(slow, { status: 201, headers: rateHeaders(60, 57, nowSeconds() + 60) }); // one is answered at 1,500 ms
		await jest.advanceTimersByTimeAsync(900);
		expect(third).toBe(-1); // that request may have reached the provider just now: its slot stays taken for a second
		await jest.advanceTimersByTimeAsync(200);
		expect(third).toBeGreaterThanOrEqual(2500);
		expect(third).toBeLessThanOrEqual(2600);
	});

	test('a host that sends no rate-limit headers is not paced', async () => {
		const pacer = createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 });
		await answered(pacer, 'x', 200, {});
		const times = await admissionTimes(pacer, 20, 'x');
		expect(Math.max(...times)).toBe(0);
	});

	test('Retry-After accepts seconds and HTTP dates', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
		expect(retryAfterMs({}, now)).toBeUndefined();
	});

	test('a 429 asks for Retry-After first, then the reset of a spent window; one that leaves budget for a short pause', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		const reset = String(now / 1000 + 30);
		expect(askedWaitMs({ 'retry-after': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, now)).toBe(3000);
		expect(askedWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, now)).toBe(30_000);
		expect(askedWaitMs({ 'x-ratelimit-remaining': '40', 'x-ratelimit-reset': reset }, now)).toBe(1000);
		expect(askedWaitMs({ 'x-ratelimit-remaining': '0' }, now)).toBeUndefined();
	});
});

/**
 * Several executions, one provider limit: each execution has its own pacer (separate processes share
 * nothing), and only the provider's answers tell them about each other. The providers below count the way
 * the emulators do; time is simulated.
 */
describe('pacer: several executions sharing one limit', () => {
	beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:20Z') }));
	afterEach(() => jest.useRealTimers());

	interface Provider {
		handle(now: number): { status: number; headers: Record<string, string> };
	}

	/** Stream: fixed one-minute windows per app, per-second cap of limit ÷ 30, X-RateLimit-* on every answer. */
	function streamLike(limit: number): Provider {
		let minute = -1;
		let used = 0;
		let second = -1;
		let secondUsed = 0;
		return {
			handle(now) {
				if (Math.floor(now / 60_000) !== minute) [minute, used] = [Math.floor(now / 60_000), 0];
				if (Math.floor(now / 1000) !== second) [second, secondUsed] = [Math.floor(now / 1000), 0];
				const reset = (minute + 1) * 60;
				const over = used >= limit || secondUsed >= Math.floor(limit / 30);
				if (!over) [used, secondUsed] = [used + 1, secondUsed + 1];
				const headers = rateHeaders(limit, limit - used, reset);
				if (over) headers['retry-after'] = String(used >= limit ? Math.max(1, Math.ceil(reset - now / 1000)) : 1);
				return { status: over ? 429 : 201, headers };
			},
		};
	}

	/** HuskyVoice: a sliding window per key, 429 + Retry-After and nothing else. */
	function slidingLike(limit: number, windowMs: number): Provider {
		const sent: number[] = [];
		return {
			handle(now) {
				while (sent.length > 0 && sent[0] <= now - windowMs) sent.shift();
				if (sent.length >= limit)
					return { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil((sent[0] + windowMs - now) / 1000))) } };
				sent.push(now);
				return { status: 200, headers: {} as Record<string, string> };
			},
		};
	}

	/** One execution: `items` requests with `concurrency` workers, each retried after a 429 as the transport does. */
	async function execution(pacer: Pacer, provider: Provider, items: number, concurrency: number, latencyMs: number) {
		const stats = { requests: 0, refused: 0, doneAt: 0 };
		let next = 0;
		const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
		const worker = async () => {
			while (next < items) {
				next++;
				for (;;) {
					const ticket = await pacer.acquire('k');
					await pause(latencyMs / 2);
					const answer = provider.handle(Date.now());
					await pause(latencyMs / 2);
					const asked = pacer.settle(ticket, answer);
					stats.requests++;
					const row = (timeline[Math.floor(Date.now() / 1000)] ??= [0, 0]);
					row[0]++;
					if (answer.status !== 429) break;
					row[1]++;
					stats.refused++;
					await pause(asked ?? 1000);
				}
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
		stats.doneAt = Date.now();
		return stats;
	}

	/** Requests and 429s per second of simulated time; PACING_TIMELINE=1 prints them (seconds mod 1000: requests/429s). */
	const timeline: Record<number, number[]> = {};
	afterEach(() => {
		if (process.env.PACING_TIMELINE)
			process.stdout.write(
				`${Object.entries(timeline)
					.map(([sec, [n, r]]) => `${Number(sec) % 1000}:${n}/${r}`)
					.join(' ')}\n`,
			);
		for (const key of Object.keys(timeline)) delete timeline[Number(key)];
	});

	async function together(runs: Array<Promise<{ requests: number; refused: number; doneAt: number }>>) {
		const started = Date.now();
		let settled = false;
		const all = Promise.all(runs).finally(() => (settled = true));
		while (!settled) await jest.advanceTimersByTimeAsync(100);
		const results = await all;
		const requests = results.reduce((sum, run) => sum + run.requests, 0);
		const refused = results.reduce((sum, run) => sum + run.refused, 0);
		return { requests, refused, seconds: (Math.max(...results.map((run) => run.doneAt)) - started) / 1000 };
	}

	test('Stream-like 1,200/min, one execution alone: the whole per-second cap, no 429', async () => {
		const result = await together([
			execution(createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 }), streamLike(1200), 1000, 50, 20),
		]);
		expect(result.refused).toBe(0);
		// 1,000 at 40/s is 25 s when the minute allows; the start (a quarter of the cap until the answers show
		// nobody else) and the minute boundary may add some.
		expect(result.seconds).toBeLessThan(70);
	});

	test('Stream-like 1,200/min: three executions of 400 share the per-second cap and the minute; under 5% answered 429', async () => {
		const provider = streamLike(1200);
		const result = await together(
			[0, 1, 2].map(() => execution(createPacer({ kind: 'rateLimitHeaders', perSecondDivisor: 30 }), provider, 400, 50, 20)),
		);
		expect(result.refused / result.requests).toBeLessThan(0.05);
		// 1,200 requests at a 1,200/min limit: the fastest is one minute window plus a few seconds of the next.
		expect(result.seconds).toBeLessThan(1200 / ((0.85 * 1200) / 60));
	});

	test('HuskyVoice-like 600/min sliding window: three executions of 400 learn their share from 429s; under 5% answered 429', async () => {
		const provider = slidingLike(600, 60_000);
		const result = await together(
			[0, 1, 2].map(() => execution(createPacer({ kind: 'slidingWindow', limit: 600, windowMs: 60_000 }), provider, 400, 50, 20)),
		);
		expect(result.refused / result.requests).toBeLessThan(0.05);
		// 1,200 requests: two windows at the least (the second opens 60 s after the first); well under three.
		expect(result.seconds).toBeLessThan(100);
	});

	test('HuskyVoice-like: an execution that starts late (a smaller share of the first window) still finishes in the second', async () => {
		const provider = slidingLike(600, 60_000);
		const late = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
		const pacer = () => createPacer({ kind: 'slidingWindow', limit: 600, windowMs: 60_000 });
		const result = await together([
			execution(pacer(), provider, 350, 50, 20),
			execution(pacer(), provider, 350, 50, 20),
			late(2000).then(() => execution(pacer(), provider, 350, 50, 20)),
		]);
		expect(result.refused / result.requests).toBeLessThan(0.05);
		// 1,050 requests fit in two windows; a third would start 120 s in.
		expect(result.seconds).toBeLessThan(100);
	});
});
