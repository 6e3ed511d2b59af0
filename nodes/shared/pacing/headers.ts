/** What an answer's rate-limit headers say: Retry-After and Stream's X-RateLimit-Limit / Remaining / Reset. */

/** A 429 that leaves budget in the window (a per-second cap, a burst) and names no time: one short pause. */
const SHORT_PAUSE_MS = 1000;

export function headerNumber(headers: Record<string, string>, name: string): number | undefined {
	const raw = headers[name];
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	return Number.isFinite(value) ? value : undefined;
}

/** Seconds (or an HTTP date) from a Retry-After header, as milliseconds. */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
	const raw = headers['retry-after'];
	if (raw === undefined || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's reset time in ms, from X-RateLimit-Reset (Unix seconds). */
export function resetAtFrom(headers: Record<string, string>): number | undefined {
	const reset = headerNumber(headers, 'x-ratelimit-reset');
	return reset !== undefined ? reset * 1000 : undefined;
}

/**
 * How long a 429's headers ask us to wait: Retry-After first, then the rate-limit reset time, but only when the
 * window is spent. A 429 that leaves budget (Remaining > 0) is a per-second cap or a burst: a short pause.
 * Undefined when the headers name no time.
 */
export function askedWaitMs(headers: Record<string, string>, now = Date.now()): number | undefined {
	const fromRetryAfter = retryAfterMs(headers, now);
	if (fromRetryAfter !== undefined) return fromRetryAfter;
	const remaining = headerNumber(headers, 'x-ratelimit-remaining');
	const resetAt = resetAtFrom(headers);
	if (remaining !== undefined && remaining > 0)
		return Math.min(SHORT_PAUSE_MS, resetAt !== undefined ? Math.max(0, resetAt - now) : SHORT_PAUSE_MS);
	return resetAt !== undefined ? Math.max(0, resetAt - now) : undefined;
}
