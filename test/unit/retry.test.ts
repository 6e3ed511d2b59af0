/**
 * The retry decision, without an emulator: for each kind of failed attempt, whether the request is tried again
 * and after how long, as a user meets it (Max Attempts, the 5-minute budget, a provider's Retry-After).
 */
import { maxAttemptsOption, requestTimeoutOption } from '../../nodes/shared/descriptions';
import { decideRetry, RETRY_POLICY, type AttemptOutcome, type RetryCounters } from '../../nodes/shared/retry';

const limits = { maxAttempts: RETRY_POLICY.maxAttempts, retryBudgetMs: RETRY_POLICY.retryBudgetMs };
const lowest = () => 0;
const highest = () => 0.999_999;
const counters = (faults: number, rateLimited = 0, spentMs = 0): RetryCounters => ({ faults, rateLimited, spentMs });

const cases: Array<[string, AttemptOutcome, RetryCounters, number | undefined, string | [number, number]]> = [
	// [what happened, outcome, counters after it, wait the provider asked for, expected: reason or [min, max] wait]
	['a 400 is never retried', { status: 400 }, counters(1), undefined, 'not retryable'],
	['a 401 is never retried', { status: 401 }, counters(1), undefined, 'not retryable'],
	['a 404 is never retried', { status: 404 }, counters(1), undefined, 'not retryable'],
	['a first 503 backs off 250-500 ms', { status: 503 }, counters(1), undefined, [250, 500]],
	['a third 503 backs off 1-2 s', { status: 503 }, counters(3), undefined, [1000, 2000]],
	['a reset backs off like a 5xx', { networkError: 'ECONNRESET' }, counters(2), undefined, [500, 1000]],
	['a timeout backs off like a 5xx', { networkError: 'ETIMEDOUT' }, counters(1), undefined, [250, 500]],
	['a fifth 502 backs off 4-8 s', { status: 502 }, counters(5), undefined, [4000, 8000]],
	['the sixth fault is the last attempt', { status: 500 }, counters(6), undefined, 'max attempts'],
	['a 429 without a time counts as a fault', { status: 429 }, counters(6), undefined, 'max attempts'],
	['a 429 that says when waits what it asked', { status: 429 }, counters(0, 1), 7000, [7000, 7250]],
	['a 429 that says when does not use up attempts', { status: 429 }, counters(5, 40), 2000, [2000, 2250]],
	['a 429 asking for nothing waits a floor of 100 ms', { status: 429 }, counters(0, 1), 0, [100, 350]],
	['that floor grows to 1 s while it keeps asking', { status: 429 }, counters(0, 8), 0, [1000, 1250]],
	['no wait may pass the 5-minute budget', { status: 429 }, counters(0, 3, 290_000), 20_000, 'retry budget'],
	['a wait that fits the budget goes ahead', { status: 429 }, counters(0, 3, 270_000), 20_000, [20_000, 20_250]],
	['a one-hour Retry-After fails at once: it cannot fit the budget', { status: 429 }, counters(0, 1), 3_600_000, 'retry budget'],
	['a host that does not resolve is tried once more', { networkError: 'ENOTFOUND' }, counters(1), undefined, [250, 500]],
	['…and not a third time', { networkError: 'ENOTFOUND' }, counters(2), undefined, 'max attempts'],
	['a refused certificate is not retried', { networkError: 'CERT_HAS_EXPIRED' }, counters(1), undefined, 'max attempts'],
	['a failed TLS handshake is not retried', { networkError: 'EPROTO' }, counters(1), undefined, 'max attempts'],
	["the token service's 503 backs off like any 5xx", { networkError: 'TOKEN_HTTP_503' }, counters(2), undefined, [500, 1000]],
];

test.each(cases)('%s', (_what, outcome, state, asked, expected) => {
	const low = decideRetry(outcome, state, asked, limits, RETRY_POLICY, lowest);
	const high = decideRetry(outcome, state, asked, limits, RETRY_POLICY, highest);
	if (typeof expected === 'string') {
		expect(low).toEqual({ retry: false, reason: expected });
		expect(high).toEqual({ retry: false, reason: expected });
		return;
	}
	const [min, max] = expected;
	expect(low).toEqual({ retry: true, waitMs: min });
	expect(high.retry && high.waitMs).toBeCloseTo(max, -1);
});

test('backoff stops growing at 30 s: the 7th fault of a request allowed 20 attempts waits 15-30 s', () => {
	const decision = decideRetry(
		{ status: 503 },
		counters(7),
		undefined,
		{ maxAttempts: 20, retryBudgetMs: limits.retryBudgetMs },
		RETRY_POLICY,
		lowest,
	);
	expect(decision).toEqual({ retry: true, waitMs: 15_000 });
});

test('the options the user sees say what the policy does', () => {
	expect(maxAttemptsOption.default).toBe(RETRY_POLICY.maxAttempts);
	expect(requestTimeoutOption.default).toBe(RETRY_POLICY.timeoutMs);
	expect(maxAttemptsOption.description).toContain(`${RETRY_POLICY.retryBudgetMs / 60_000}-minute retry budget`);
});
