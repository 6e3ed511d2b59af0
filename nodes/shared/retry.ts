import { isTlsErrorCode } from './outcome';

/**
 * The retry policy of every provider request, as data, and the one function that decides from an attempt's
 * outcome whether to try again and after how long. The transport loop only counts and sleeps.
 */

export interface RetryPolicy {
	/** Statuses worth trying again: the provider may answer differently later. Network faults always are. */
	retryableStatuses: ReadonlySet<number>;
	/** Failed attempts per request; a 429 that says when to come back (Retry-After, X-RateLimit-Reset) is not counted. */
	maxAttempts: number;
	/** Retries stop once this long has passed since the request's first failed attempt, waits included. */
	retryBudgetMs: number;
	/** Per-attempt timeout. */
	timeoutMs: number;
	/** Other faults: a wait drawn from the upper half of min(cap, base × 2^(fault − 1)) ("equal jitter"). */
	backoff: { baseMs: number; capMs: number };
	/**
	 * A 429 that says when: its wait, at least a floor that doubles from `floorMs` to `floorCapMs` while the provider
	 * keeps asking for less, plus up to `jitterMs` so the executions sharing a limit do not return at the same moment.
	 */
	askedWait: { floorMs: number; floorCapMs: number; jitterMs: number };
	/**
	 * Network faults that another attempt rarely fixes, and the attempts they get at most: a host that does not
	 * resolve is tried twice (a resolver's passing hiccup), a refused certificate or TLS handshake once (the same
	 * certificate comes back until someone replaces it; retrying would only hold the item for minutes).
	 */
	networkAttemptCaps: { notFound: number; tls: number };
}

export const RETRY_POLICY: RetryPolicy = {
	retryableStatuses: new Set([408, 429, 500, 502, 503, 504]),
	maxAttempts: 6,
	retryBudgetMs: 5 * 60_000,
	timeoutMs: 30_000,
	backoff: { baseMs: 500, capMs: 30_000 },
	askedWait: { floorMs: 100, floorCapMs: 1000, jitterMs: 250 },
	networkAttemptCaps: { notFound: 2, tls: 1 },
};

/** What the attempt came to, as far as retrying goes. */
export interface AttemptOutcome {
	status?: number;
	networkError?: string;
}

/** Counted over one request's attempts so far, this one included. */
export interface RetryCounters {
	/** Failures that count against Max Attempts. */
	faults: number;
	/** 429s that said when to come back. */
	rateLimited: number;
	/** Since the first failed attempt. */
	spentMs: number;
}

export type RetryDecision = { retry: true; waitMs: number } | { retry: false; reason: 'not retryable' | 'max attempts' | 'retry budget' };

/** Whether a failure is transient: a network fault, or a status in the policy's list. */
export function isRetryable(outcome: AttemptOutcome, policy: Pick<RetryPolicy, 'retryableStatuses'> = RETRY_POLICY): boolean {
	return outcome.networkError !== undefined || (outcome.status !== undefined && policy.retryableStatuses.has(outcome.status));
}

function networkAttemptCap(code: string | undefined, policy: RetryPolicy): number {
	if (code === 'ENOTFOUND') return policy.networkAttemptCaps.notFound;
	if (code !== undefined && isTlsErrorCode(code)) return policy.networkAttemptCaps.tls;
	return Number.POSITIVE_INFINITY;
}

/**
 * Decides after a failed attempt. `askedWaitMs` is the wait the provider asked for (a 429 with Retry-After or
 * X-RateLimit-Reset, as the pacer read it), undefined otherwise. `limits` are the request's own Max Attempts and
 * retry budget. `random` returns [0, 1).
 */
export function decideRetry(
	outcome: AttemptOutcome,
	counters: RetryCounters,
	askedWaitMs: number | undefined,
	limits: Pick<RetryPolicy, 'maxAttempts' | 'retryBudgetMs'>,
	policy: RetryPolicy = RETRY_POLICY,
	random: () => number = Math.random,
): RetryDecision {
	if (!isRetryable(outcome, policy)) return { retry: false, reason: 'not retryable' };
	if (counters.faults >= Math.min(limits.maxAttempts, networkAttemptCap(outcome.networkError, policy))) {
		return { retry: false, reason: 'max attempts' };
	}
	let waitMs: number;
	if (askedWaitMs !== undefined) {
		const { floorMs, floorCapMs, jitterMs } = policy.askedWait;
		const floor = Math.min(floorCapMs, floorMs * 2 ** (counters.rateLimited - 1));
		waitMs = Math.max(askedWaitMs, floor) + random() * jitterMs;
	} else {
		const ceiling = Math.min(policy.backoff.capMs, policy.backoff.baseMs * 2 ** (counters.faults - 1));
		waitMs = ceiling / 2 + random() * (ceiling / 2);
	}
	if (counters.spentMs + waitMs > limits.retryBudgetMs) return { retry: false, reason: 'retry budget' };
	return { retry: true, waitMs };
}
