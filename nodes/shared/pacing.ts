import { sleepUnlessCancelled } from './cancellation';
import type { PacingPolicy } from './types';

/** One answer's view of the provider's window: what was left when the provider counted our request number `seq`. */
interface Sample {
	seq: number;
	sentAt: number;
	remaining: number;
	resetAt: number;
}

interface HeaderWindow {
	limit: number;
	remaining: number;
	resetAt: number;
	/** False while the window is our own guess (the provider's window ended and no answer has said when the next one ends). */
	resetFromProvider: boolean;
	/** When recent requests got their answer, oldest first (for the per-second cap). */
	recentAnswers: number[];
	inFlight: number;
	/** Our share of the per-second cap, in requests per second (the whole cap when nobody else spends it). */
	perSecond: number;
	/** Our part of what the provider counted lately (1 when we are alone). */
	share: number;
	/** Our requests are numbered in the order they leave: `sendTimes[i]` is when number `firstSeq + i` left. */
	nextSeq: number;
	firstSeq: number;
	sendTimes: number[];
	/** Numbers still waiting for their answer, and numbers the provider refused with a 429 (it did not count them). */
	inFlightSeqs: Set<number>;
	refused: number[];
	/** Answers of the provider's current window, in the order they came. */
	samples: Sample[];
	nextAdjustAt: number;
	/** Since when the provider's counts show nobody but us (0: others seen lately), and whether anyone else ever was. */
	aloneSince: number;
	othersSeen: boolean;
	lastProbeAt: number;
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
/** A 429 that leaves budget in the window (a per-second cap, a burst) and names no time: one short pause. */
const SHORT_PAUSE_MS = 1000;
/** How often the share of a limit spent by others is re-measured, and over how long a span of answers. */
const ADJUST_EVERY_MS = 500;
const MEASURE_SPAN_MS = 1000;
/** The longest a request sleeps on the per-second cap before asking again. */
const MAX_CAP_WAIT_MS = 250;
/** When others spend the same per-second cap, all of us together aim this far below it (measurements lag). */
const SHARED_CAP_TARGET = 0.9;
/** Before the first measurement, a request stream starts at this part of the per-second cap (others may be there). */
const START_SHARE = 1 / 4;
/** The ticket of a sliding-window request sent beyond our share (a probe), and how often a second one asks to go. */
const PROBE_TICKET = -1;
const PROBE_POLL_MS = 20;
const MAX_PROBE_WINDOW = 64;
/** In a window we guessed (no reset from the provider), with no budget left: one probe per second asks the provider. */
const PROBE_EVERY_MS = 1000;

function headerNumber(headers: Record<string, string>, name: string): number | undefined {
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
function resetAtFrom(headers: Record<string, string>): number | undefined {
	const reset = headerNumber(headers, 'x-ratelimit-reset');
	return reset !== undefined ? reset * 1000 : undefined;
}

function countSince(sorted: number[], from: number, to: number): number {
	let count = 0;
	for (let i = sorted.length - 1; i >= 0 && sorted[i] > from; i--) if (sorted[i] <= to) count++;
	return count;
}

function dropOlderThan(sorted: number[], limit: number): void {
	let drop = 0;
	while (drop < sorted.length && sorted[drop] < limit) drop++;
	if (drop > 0) sorted.splice(0, drop);
}

/**
 * Keeps one node execution's requests within a provider's rate limit, so that items wait their turn
 * instead of failing with 429. Shared by every concurrent worker of the execution.
 *
 * The provider's clock wins: no wait goes past the latest Retry-After or X-RateLimit-Reset the provider
 * sent, and a window we had to guess gives way to the provider's as soon as an answer names it. Other
 * executions (other workflows, queue-mode workers) may spend the same limit: the pacer learns their part
 * from what the provider answers (X-RateLimit-Remaining falling faster than our own requests explain, or
 * a 429 before our own count is spent) and sends only its share.
 */
export class RequestPacer {
	private pausedUntil = 0;
	/** The ticket of the slot `reserve` just gave. */
	private ticket = 0;
	private readonly windows = new Map<string, HeaderWindow>();
	/** Sliding window: our requests counted in the provider's window, oldest first. */
	private readonly sent: number[] = [];
	/** Sliding window: our share of the limit, learnt from the last 429 (the whole limit until one comes). */
	private slidingShare = Number.POSITIVE_INFINITY;
	private slidingShareAt = 0;
	/** Requests beyond our share on their way, and how many may be: doubles with every probe accepted, 1 after a 429. */
	private probesInFlight = 0;
	private probeWindow = 1;
	private firstSentAt = 0;

	constructor(private readonly policy: PacingPolicy) {}

	/**
	 * Waits until a request may be sent. Returns a ticket to hand to `observe` and `release` with that request's
	 * answer (0 if it has none), or returns without a slot if the execution is stopped meanwhile.
	 */
	async acquire(key = 'default', cancelSignal?: AbortSignal): Promise<number> {
		while (!cancelSignal?.aborted) {
			this.ticket = 0;
			const wait = this.reserve(key, Date.now());
			if (wait <= 0) return this.ticket;
			await sleepUnlessCancelled(wait, cancelSignal);
		}
		return 0;
	}

	/**
	 * Learns from an answer: rate-limit headers, and a 429's Retry-After pauses every worker.
	 * `ticket` is what `acquire` gave for the answered request (it places the answer among our own requests).
	 */
	observe(key = 'default', status: number, headers: Record<string, string>, ticket = 0): void {
		const now = Date.now();
		if (this.policy.kind === 'rateLimitHeaders') this.observeHeaders(key, status, headers, now, ticket);
		if (this.policy.kind === 'slidingWindow') {
			// A probe accepted: there was room beyond our share; let more ask at once.
			if (status !== 429 && ticket === PROBE_TICKET) this.probeWindow = Math.min(MAX_PROBE_WINDOW, this.probeWindow * 2);
			if (status === 429) this.observeSlidingRefusal(retryAfterMs(headers, now), now);
		}
		if (status !== 429) return;
		const wait = this.waitAfterTooManyRequests(key, headers, now);
		if (wait !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + wait + CLOCK_MARGIN_MS);
	}

	/** Marks a reserved request as answered (or abandoned). */
	release(key = 'default', ticket = 0): void {
		if (ticket === PROBE_TICKET) this.probesInFlight = Math.max(0, this.probesInFlight - 1);
		const window = this.windows.get(key);
		if (!window) return;
		if (window.inFlight > 0) window.inFlight--;
		window.inFlightSeqs.delete(ticket);
		// A host without rate-limit headers is not capped, so its answers are not kept.
		if (Number.isFinite(window.limit)) window.recentAnswers.push(Date.now());
	}

	/**
	 * How long a 429 asks us to wait: Retry-After first, then the rate-limit reset time, but only when the
	 * window is spent. A 429 that leaves budget (Remaining > 0) is a per-second cap or a burst: a short pause.
	 */
	waitAfterTooManyRequests(key: string, headers: Record<string, string>, now = Date.now()): number | undefined {
		const fromRetryAfter = retryAfterMs(headers, now);
		if (fromRetryAfter !== undefined) return fromRetryAfter;
		const remaining = headerNumber(headers, 'x-ratelimit-remaining');
		const resetAt = resetAtFrom(headers);
		if (remaining !== undefined && remaining > 0)
			return Math.min(SHORT_PAUSE_MS, resetAt !== undefined ? Math.max(0, resetAt - now) : SHORT_PAUSE_MS);
		if (resetAt !== undefined) return Math.max(0, resetAt - now);
		const window = this.windows.get(key);
		return window?.resetFromProvider && window.resetAt > now ? window.resetAt - now : undefined;
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

	/**
	 * A sliding window with no headers (HuskyVoice): at most `limit` requests in any window. Two additions
	 * for limits shared with other executions, which only a 429 reveals: the first second sends a twentieth
	 * of the limit, evenly spaced, and the rate grows by half every second after (seconds of a one-minute
	 * window), so executions that start together fill the window in about four seconds and overshoot it by
	 * the few requests on their way, not by their concurrency; and after a 429 we keep to the part of the window we had when the provider said it was full, growing it again
	 * from the limit's nominal per-second rate, faster the longer no 429 comes; beyond the part we held, one
	 * request at a time asks whether there is room, more at once as they are let through.
	 */
	private reserveSlidingWindow(limit: number, windowMs: number, now: number): number {
		const sent = this.sent;
		dropOlderThan(sent, now - windowMs - CLOCK_MARGIN_MS + 1);
		if (this.firstSentAt === 0) this.firstSentAt = now;
		// The ramp counts in steps of a sixtieth of the window (a second for a one-minute window), and spaces the
		// requests of a step evenly: a burst would put our whole concurrency on the way before a 429 could stop it.
		const stepMs = Math.max(1, windowMs / 60);
		const ramp = Math.max(1, Math.ceil(limit / 20)) * 1.5 ** Math.floor((now - this.firstSentAt) / stepMs);
		if (ramp < limit && sent.length > 0) {
			const spacing = stepMs / ramp;
			const last = sent[sent.length - 1];
			if (now - last < spacing) return Math.max(1, Math.ceil(last + spacing - now));
		}
		const allowed = Math.min(limit, this.slidingAllowance(limit, windowMs, now));
		if (sent.length < allowed) {
			if (Number.isFinite(this.slidingShare) && sent.length >= this.slidingShare) {
				// Beyond the share the provider last allowed us: one request at a time asks whether there is room,
				// so a full window costs one 429, not one per request on its way.
				if (this.probesInFlight >= this.probeWindow) return PROBE_POLL_MS;
				this.probesInFlight++;
				this.ticket = PROBE_TICKET;
			}
			sent.push(now);
			return 0;
		}
		const wait = Math.max(1, sent[sent.length - allowed] + windowMs + CLOCK_MARGIN_MS - now);
		// While our share grows, ask again as soon as it has grown by one request.
		return Number.isFinite(this.slidingShare) ? Math.min(wait, Math.ceil(windowMs / limit)) : wait;
	}

	/**
	 * Our part of a shared sliding window: what we held when the provider last said "full", growing by the
	 * limit's nominal per-second rate, faster the longer no 429 comes (others may have finished; only the
	 * next 429 would tell).
	 */
	private slidingAllowance(limit: number, windowMs: number, now: number): number {
		if (!Number.isFinite(this.slidingShare)) return limit;
		const seconds = Math.max(0, now - Math.max(this.slidingShareAt, this.pausedUntil)) / 1000;
		// Growing faster the longer no 429 comes: after 2 s four nominal seconds' worth, after 6 s twenty-four.
		const allowance = Math.floor(this.slidingShare + ((limit * 1000) / windowMs) * (seconds + (seconds * seconds) / 2));
		if (allowance >= limit) this.slidingShare = Number.POSITIVE_INFINITY;
		return Math.max(1, allowance);
	}

	/**
	 * The refused request was not counted by the provider, and the window is full: what we hold of it is our
	 * share. A 429 without Retry-After says nothing about the window, so it changes nothing here.
	 */
	private observeSlidingRefusal(retryAfter: number | undefined, now: number): void {
		this.sent.pop();
		this.probeWindow = 1;
		if (retryAfter === undefined) return;
		this.slidingShare = Math.max(1, this.sent.length);
		this.slidingShareAt = now;
	}

	private reserveHeaderWindow(key: string, now: number): number {
		let window = this.windows.get(key);
		if (!window) {
			// Nothing known yet: the first response of this endpoint tells us its limit.
			window = {
				limit: 0,
				remaining: 0,
				resetAt: 0,
				resetFromProvider: false,
				recentAnswers: [],
				inFlight: 0,
				perSecond: 0,
				share: 1,
				nextSeq: 1,
				firstSeq: 1,
				sendTimes: [],
				inFlightSeqs: new Set(),
				refused: [],
				samples: [],
				nextAdjustAt: 0,
				aloneSince: 0,
				othersSeen: false,
				lastProbeAt: 0,
			};
			this.windows.set(key, window);
			return this.takeHeaderSlot(window, now);
		}
		if (window.limit === 0) {
			// Still waiting for the first response: one request per endpoint until the limit is known.
			return window.inFlight > 0 ? 10 : this.takeHeaderSlot(window, now);
		}
		if (window.resetAt <= now) {
			// The provider's window has ended: assume a full new one until an answer says otherwise.
			window.remaining = window.limit;
			window.resetAt = now + 60_000;
			window.resetFromProvider = false;
			window.samples = [];
		}
		this.adjustShare(window, now);
		if (window.remaining <= 0 || window.remaining * window.share < 1) {
			if (window.resetFromProvider) return window.resetAt + CLOCK_MARGIN_MS - now;
			// A window we guessed: never wait it out. One request at a time asks the provider where its window stands.
			if (window.inFlight > 0) return 100;
			if (now - window.lastProbeAt < PROBE_EVERY_MS) return window.lastProbeAt + PROBE_EVERY_MS - now;
			window.lastProbeAt = now;
		}
		const capWait = this.perSecondCapWait(window, now);
		if (capWait > 0) return capWait;
		return this.takeHeaderSlot(window, now);
	}

	/** How long until our part of the per-second cap (per-minute limit ÷ divisor) admits one more request. */
	private perSecondCapWait(window: HeaderWindow, now: number): number {
		if (this.policy.kind !== 'rateLimitHeaders' || !Number.isFinite(window.limit)) return 0;
		const cap = window.limit / this.policy.perSecondDivisor;
		if (window.perSecond === 0) window.perSecond = cap * START_SHARE;
		const perSecond = Math.min(cap, window.perSecond);
		// A cap below 1/s (a small per-minute limit) becomes one request per 1/cap seconds.
		const count = Math.max(1, Math.floor(perSecond));
		const spanMs = (1000 * count) / perSecond + PER_SECOND_MARGIN_MS;
		const answers = window.recentAnswers;
		dropOlderThan(answers, now - spanMs + 1);
		if (answers.length + window.inFlight < count) return 0;
		// The oldest answer frees its slot one second after it came; if every slot is still in flight, ask again shortly.
		// Never sleep long: our share of the cap may grow meanwhile.
		return answers.length > 0 ? Math.min(MAX_CAP_WAIT_MS, Math.max(1, answers[0] + spanMs - now)) : 10;
	}

	private takeHeaderSlot(window: HeaderWindow, now: number): number {
		window.remaining--;
		window.inFlight++;
		const seq = window.nextSeq++;
		window.sendTimes.push(now);
		window.inFlightSeqs.add(seq);
		this.ticket = seq;
		return 0;
	}

	/**
	 * Measures what others spend of the same limit: over the last second of answers, X-RateLimit-Remaining
	 * fell by what the provider counted from everyone; what our own requests do not explain is theirs. Our
	 * per-second rate then moves halfway towards what the cap leaves us (all of it when we are alone).
	 */
	private adjustShare(window: HeaderWindow, now: number): void {
		if (now < window.nextAdjustAt || this.policy.kind !== 'rateLimitHeaders' || !Number.isFinite(window.limit)) return;
		window.nextAdjustAt = now + ADJUST_EVERY_MS;
		const keepFrom = now - 10 * MEASURE_SPAN_MS;
		let drop = 0;
		while (drop < window.sendTimes.length - 1 && window.sendTimes[drop] < keepFrom) drop++;
		window.sendTimes.splice(0, drop);
		window.firstSeq += drop;
		dropOlderThan(window.refused, window.firstSeq);
		// Only answers all of whose predecessors are answered too: a refusal still on its way would look like room.
		let oldestInFlight = Number.POSITIVE_INFINITY;
		for (const seq of window.inFlightSeqs) oldestInFlight = Math.min(oldestInFlight, seq);
		window.samples = window.samples.filter((sample) => sample.seq >= window.firstSeq && sample.resetAt === window.resetAt);
		const samples = window.samples.filter((sample) => sample.seq < oldestInFlight);
		if (samples.length < 2) return;
		let last = samples[0];
		for (const sample of samples) if (sample.seq > last.seq) last = sample;
		// The answers of about the last second; at a low rate, of up to the last ten seconds.
		let first = last;
		for (const sample of samples) if (sample.sentAt >= last.sentAt - MEASURE_SPAN_MS && sample.seq < first.seq) first = sample;
		if (last.sentAt - first.sentAt < MEASURE_SPAN_MS / 2) {
			for (const sample of samples) if (sample.seq < first.seq) first = sample;
		}
		const span = last.sentAt - first.sentAt;
		const counted = first.remaining - last.remaining;
		if (span < MEASURE_SPAN_MS * 0.3 || counted < 0) return;
		// Our requests the provider counted between the two answers, in the order they left.
		const ours = last.seq - first.seq - countSince(window.refused, first.seq, last.seq);
		// A request or two may reach the provider in another order than they left: that is noise, not others.
		const others = Math.max(0, counted - ours);
		const cap = window.limit / this.policy.perSecondDivisor;
		const othersPerSecond = others <= 2 ? 0 : (others * 1000) / span;
		const oursPerSecond = (ours * 1000) / span;
		const total = othersPerSecond + oursPerSecond;
		// Alone for a second running (two, once others have been seen: they may only be pausing after a 429):
		// the whole cap is ours.
		if (othersPerSecond > 0) [window.aloneSince, window.othersSeen] = [0, true];
		else if (window.aloneSince === 0) window.aloneSince = now;
		const alone =
			window.aloneSince !== 0 &&
			(window.othersSeen ? now - window.aloneSince >= 2 * MEASURE_SPAN_MS : now - window.aloneSince + span >= MEASURE_SPAN_MS);
		const target = alone ? cap : cap * SHARED_CAP_TARGET;
		// Below the target every sharer adds the same amount, above it every sharer gives up the same
		// proportion: the shares grow fair while the total stays under the cap (additive increase,
		// multiplicative decrease, as TCP shares a link).
		const current = window.perSecond || cap * START_SHARE;
		const next = total <= target ? current + Math.max(1, (target - total) / 4) : current * (target / total);
		window.perSecond = Math.min(cap, Math.max(1, alone ? Math.max(next, cap) : next));
		// Our part of what the minute has left, for the end of the window; never less than a tenth.
		window.share = total > 0 ? Math.max(0.1, oursPerSecond / total) : 1;
	}

	private observeHeaders(key: string, status: number, headers: Record<string, string>, now: number, ticket: number): void {
		const window = this.windows.get(key);
		if (!window) return;
		const seq = ticket > 0 ? ticket : window.nextSeq - 1;
		const sentAt = window.sendTimes[seq - window.firstSeq] ?? now;
		const remaining = headerNumber(headers, 'x-ratelimit-remaining');
		const limit =
			headerNumber(headers, 'x-ratelimit-limit') ?? (Number.isFinite(window.limit) && window.limit > 0 ? window.limit : undefined);
		if (status === 429) {
			window.refused.push(seq);
			window.refused.sort((a, b) => a - b);
			// A 429 that leaves budget: the per-second cap was met, so others spend more of it than we measured.
			if (remaining !== undefined && remaining > 0 && this.policy.kind === 'rateLimitHeaders' && limit !== undefined) {
				const current = window.perSecond || (limit / this.policy.perSecondDivisor) * START_SHARE;
				window.perSecond = Math.max(1, current * 0.7);
			}
		}
		if (limit === undefined || remaining === undefined) {
			// A host that announces no limit (a proxy, a test server) is not paced by headers at all.
			if (window.limit === 0) window.limit = window.remaining = Number.POSITIVE_INFINITY;
			return;
		}
		const resetAt = resetAtFrom(headers) ?? (window.resetFromProvider ? window.resetAt : now + 60_000);
		// An answer from a window that has already ended says nothing about the current one.
		if (resetAt <= now) return;
		const othersInFlight = Math.max(0, window.inFlight - 1);
		if (window.limit === 0 || !Number.isFinite(window.limit) || Math.abs(resetAt - window.resetAt) >= 1000) {
			// First answer, or the provider names another window (a new minute, or an earlier end than we thought):
			// its word replaces ours.
			window.limit = limit;
			window.resetAt = resetAt;
			window.resetFromProvider = resetAtFrom(headers) !== undefined;
			window.remaining = remaining - othersInFlight;
			window.samples = [];
		} else {
			window.limit = limit;
			window.remaining = Math.min(window.remaining, remaining - othersInFlight);
		}
		window.samples.push({ seq, sentAt, remaining, resetAt: window.resetAt });
		this.adjustShare(window, now);
	}
}
