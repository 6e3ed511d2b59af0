import { sleepUnlessCancelled } from './cancellation';
import type { PacingPolicy } from './types';

interface HeaderWindow {
	limit: number;
	remaining: number;
	resetAt: number;
	/** When recent requests got their answer, oldest first (for the per-second cap). */
	recentAnswers: number[];
	inFlight: number;
}

/** A margin on every computed wait: the provider's clock and ours are not the same clock. */
const CLOCK_MARGIN_MS = 50;
/**
 * The per-second cap: a request may go when fewer than N requests are in flight or were answered within the
 * last second. A request reaches the provider before its answer reaches us, so the provider never sees more
 * than N inside any second, whatever the latency and whether it counts fixed or sliding seconds; bursts of N
 * are allowed. The rule needs no clock margin, only a few milliseconds for timers that fire early.
 */
const PER_SECOND_MARGIN_MS = 5;

function headerNumber(headers: Record<string, string>, name: string): number | undefined {
	const value = Number(headers[name]);
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

/**
 * Keeps one node execution's requests within a provider's rate limit, so that items wait their turn
 * instead of failing with 429. Shared by every concurrent worker of the execution.
 */
export class RequestPacer {
	private pausedUntil = 0;
	private readonly sent: number[] = [];
	private readonly windows = new Map<string, HeaderWindow>();

	constructor(private readonly policy: PacingPolicy) {}

	/** Waits until a request may be sent. Returns without a slot if the execution is stopped meanwhile. */
	async acquire(key = 'default', cancelSignal?: AbortSignal): Promise<void> {
		while (!cancelSignal?.aborted) {
			const wait = this.reserve(key, Date.now());
			if (wait <= 0) return;
			await sleepUnlessCancelled(wait, cancelSignal);
		}
	}

	/** Learns from a response: rate-limit headers, and a 429's Retry-After pauses every worker. */
	observe(key = 'default', status: number, headers: Record<string, string>): void {
		const now = Date.now();
		if (this.policy.kind === 'rateLimitHeaders') this.observeHeaders(key, headers, now);
		if (status === 429) {
			const wait = this.waitAfterTooManyRequests(key, headers, now);
			if (wait !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + wait + CLOCK_MARGIN_MS);
		}
	}

	/** Marks a reserved request as answered (or abandoned). */
	release(key = 'default'): void {
		const window = this.windows.get(key);
		if (!window) return;
		if (window.inFlight > 0) window.inFlight--;
		// A host without rate-limit headers is not capped, so its answers are not kept.
		if (Number.isFinite(window.limit)) window.recentAnswers.push(Date.now());
	}

	/** How long a 429 asks us to wait: Retry-After first, then the rate-limit reset time. */
	waitAfterTooManyRequests(key: string, headers: Record<string, string>, now = Date.now()): number | undefined {
		const fromRetryAfter = retryAfterMs(headers, now);
		if (fromRetryAfter !== undefined) return fromRetryAfter;
		const reset = headerNumber(headers, 'x-ratelimit-reset');
		if (reset !== undefined) return Math.max(0, reset * 1000 - now);
		const window = this.windows.get(key);
		return window && window.resetAt > now ? window.resetAt - now : undefined;
	}

	/** Returns 0 and takes a slot, or returns how long to wait before asking again. */
	private reserve(key: string, now: number): number {
		if (this.pausedUntil > now) return this.pausedUntil - now;
		switch (this.policy.kind) {
			case 'slidingWindow':
				return this.reserveSlidingWindow(this.policy.limit, this.policy.windowMs, now);
			case 'rateLimitHeaders':
				return this.reserveHeaderWindow(key, now);
			default:
				return 0;
		}
	}

	private reserveSlidingWindow(limit: number, windowMs: number, now: number): number {
		while (this.sent.length > 0 && this.sent[0] <= now - windowMs - CLOCK_MARGIN_MS) this.sent.shift();
		if (this.sent.length < limit) {
			this.sent.push(now);
			return 0;
		}
		return this.sent[0] + windowMs + CLOCK_MARGIN_MS - now;
	}

	private reserveHeaderWindow(key: string, now: number): number {
		const window = this.windows.get(key);
		if (!window) {
			// Nothing known yet: the first response of this endpoint tells us its limit.
			this.windows.set(key, { limit: 0, remaining: 0, resetAt: 0, recentAnswers: [], inFlight: 1 });
			return 0;
		}
		if (window.limit === 0) {
			// Still waiting for the first response: one request per endpoint until the limit is known.
			return window.inFlight > 0 ? 10 : this.takeHeaderSlot(window);
		}
		if (window.resetAt <= now) {
			window.remaining = window.limit;
			window.resetAt = now + 60_000;
		}
		if (window.remaining <= 0) return window.resetAt + CLOCK_MARGIN_MS - now;
		const capWait = this.perSecondCapWait(window, now);
		if (capWait > 0) return capWait;
		return this.takeHeaderSlot(window);
	}

	/** How long until the per-second cap (per-minute limit ÷ divisor) admits one more request. */
	private perSecondCapWait(window: HeaderWindow, now: number): number {
		if (this.policy.kind !== 'rateLimitHeaders' || !Number.isFinite(window.limit)) return 0;
		const perSecond = window.limit / this.policy.perSecondDivisor;
		// A cap below 1/s (a small per-minute limit) becomes one request per 1/cap seconds.
		const count = Math.max(1, Math.floor(perSecond));
		const spanMs = (1000 * count) / perSecond + PER_SECOND_MARGIN_MS;
		const answers = window.recentAnswers;
		while (answers.length > 0 && answers[0] <= now - spanMs) answers.shift();
		if (answers.length + window.inFlight < count) return 0;
		// The oldest answer frees its slot one second after it came; if every slot is still in flight, ask again shortly.
		return answers.length > 0 ? answers[0] + spanMs - now : 10;
	}

	private takeHeaderSlot(window: HeaderWindow): number {
		window.remaining--;
		window.inFlight++;
		return 0;
	}

	private observeHeaders(key: string, headers: Record<string, string>, now: number): void {
		const limit = headerNumber(headers, 'x-ratelimit-limit');
		const remaining = headerNumber(headers, 'x-ratelimit-remaining');
		const reset = headerNumber(headers, 'x-ratelimit-reset');
		const window = this.windows.get(key);
		if (!window) return;
		if (limit === undefined || remaining === undefined) {
			// A host that announces no limit (a proxy, a test server) is not paced by headers at all.
			if (window.limit === 0) window.limit = window.remaining = Number.POSITIVE_INFINITY;
			return;
		}
		const resetAt = reset !== undefined ? reset * 1000 : now + 60_000;
		const othersInFlight = Math.max(0, window.inFlight - 1);
		if (window.limit === 0 || resetAt > window.resetAt + 1000) {
			// First answer, or a new window has begun at the provider.
			window.limit = limit;
			window.resetAt = resetAt;
			window.remaining = remaining - othersInFlight;
		} else {
			window.remaining = Math.min(window.remaining, remaining - othersInFlight);
		}
	}
}
