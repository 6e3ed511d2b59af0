import { askedWaitMs, headerNumber, resetAtFrom } from './headers';
import { CLOCK_MARGIN_MS, dropOlderThan, type PacerAnswer, PausingPacer, type Slot } from './pacer';

/** A turn: the endpoint's key, and our number for the request in the order they left. */
export interface HeaderTicket {
	key: string;
	seq: number;
}

/** One answer's view of the provider's window: what was left when the provider counted our request number `seq`. */
interface Sample {
	seq: number;
	sentAt: number;
	remaining: number;
	resetAt: number;
}

/** What we know of one endpoint's window. */
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
	/** When our last request left: requests leave evenly spaced at our per-second rate. */
	lastSentAt: number;
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

/**
 * The per-second cap: a request may go when fewer than N requests are in flight or were answered within the
 * last second. A request reaches the provider before its answer reaches us, so the provider never sees more
 * than N inside any second, whatever the latency and whether it counts fixed or sliding seconds. Within that,
 * requests leave evenly spaced (see perSecondCapWait). The rule needs no clock margin, only a few milliseconds
 * for timers that fire early.
 */
const PER_SECOND_MARGIN_MS = 5;
/**
 * How often the share of a limit spent by others is re-measured (more often while nobody else has shown up, so a
 * lone execution reaches the whole cap quickly), over how long a span of answers, and the shortest span that counts.
 */
const ADJUST_EVERY_MS = 500;
const SLOW_START_ADJUST_EVERY_MS = 250;
const MEASURE_SPAN_MS = 1000;
const MIN_MEASURE_SPAN_MS = 200;
/** The longest a request sleeps on the per-second cap before asking again. */
const MAX_CAP_WAIT_MS = 250;
/**
 * When others spend the same per-second cap, all of us together aim this far below it: measurements lag, and an
 * execution's evenly spaced requests do not line up with the provider's seconds, so any one second may get one
 * more than its rate. At 95% three executions met 429s; at 92.5% they did not.
 */
const SHARED_CAP_TARGET = 0.925;
/** Before the first measurement, a request stream starts at this part of the per-second cap (others may be there). */
const START_SHARE = 1 / 4;
/** In a window we guessed (no reset from the provider), with no budget left: one probe per second asks the provider. */
const PROBE_EVERY_MS = 1000;

function countSince(sorted: number[], from: number, to: number): number {
	let count = 0;
	for (let i = sorted.length - 1; i >= 0 && sorted[i] > from; i--) if (sorted[i] <= to) count++;
	return count;
}

function newWindow(): HeaderWindow {
	return {
		limit: 0,
		remaining: 0,
		resetAt: 0,
		resetFromProvider: false,
		recentAnswers: [],
		inFlight: 0,
		perSecond: 0,
		share: 1,
		lastSentAt: 0,
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
}

/**
 * Limits announced in X-RateLimit-Limit / Remaining / Reset (Stream), one window per endpoint key, with a
 * per-second cap of the per-minute limit ÷ `perSecondDivisor`.
 *
 * The provider's clock wins: no wait goes past the latest Retry-After or X-RateLimit-Reset the provider sent,
 * and a window we had to guess gives way to the provider's as soon as an answer names it. Other executions
 * (other workflows, queue-mode workers) may spend the same limit: the pacer learns their part from what the
 * provider answers (X-RateLimit-Remaining falling faster than our own requests explain, or a 429 before our
 * own count is spent) and sends only its share.
 */
export class HeaderWindowPacer extends PausingPacer<HeaderTicket> {
	private readonly windows = new Map<string, HeaderWindow>();

	constructor(private readonly perSecondDivisor: number) {
		super();
	}

	protected reserve(key: string, now: number): Slot<HeaderTicket> {
		let window = this.windows.get(key);
		if (!window) {
			// Nothing known yet: the first response of this endpoint tells us its limit.
			window = newWindow();
			this.windows.set(key, window);
			return this.take(key, window, now);
		}
		if (window.limit === 0) {
			// Still waiting for the first response: one request per endpoint until the limit is known.
			return window.inFlight > 0 ? { waitMs: 10 } : this.take(key, window, now);
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
			if (window.resetFromProvider) return { waitMs: window.resetAt + CLOCK_MARGIN_MS - now, askedByProvider: true };
			// A window we guessed: never wait it out. One request at a time asks the provider where its window stands.
			if (window.inFlight > 0) return { waitMs: 100 };
			if (now - window.lastProbeAt < PROBE_EVERY_MS) return { waitMs: window.lastProbeAt + PROBE_EVERY_MS - now };
			window.lastProbeAt = now;
		}
		const capWait = this.perSecondCapWait(window, now);
		return capWait > 0 ? { waitMs: capWait } : this.take(key, window, now);
	}

	protected learn(ticket: HeaderTicket, answer: PacerAnswer | undefined, now: number): number | undefined {
		const window = this.windows.get(ticket.key);
		if (!window) return undefined;
		// The window is learnt while this request still counts as in flight, then its turn is freed.
		if (answer) this.observe(window, ticket.seq, answer, now);
		if (window.inFlight > 0) window.inFlight--;
		window.inFlightSeqs.delete(ticket.seq);
		// A host without rate-limit headers is not capped, so its answers are not kept.
		if (Number.isFinite(window.limit)) window.recentAnswers.push(now);
		if (answer?.status !== 429) return undefined;
		// The headers' word first; else the reset the provider named earlier in this window.
		return askedWaitMs(answer.headers, now) ?? (window.resetFromProvider && window.resetAt > now ? window.resetAt - now : undefined);
	}

	/** How long until our part of the per-second cap (per-minute limit ÷ divisor) admits one more request. */
	private perSecondCapWait(window: HeaderWindow, now: number): number {
		if (!Number.isFinite(window.limit)) return 0;
		const cap = window.limit / this.perSecondDivisor;
		if (window.perSecond === 0) window.perSecond = cap * START_SHARE;
		const perSecond = Math.min(cap, window.perSecond);
		// A cap below 1/s (a small per-minute limit) becomes one request per 1/cap seconds.
		const count = Math.max(1, Math.floor(perSecond));
		const spanMs = (1000 * count) / perSecond + PER_SECOND_MARGIN_MS;
		const answers = window.recentAnswers;
		dropOlderThan(answers, now - spanMs + 1);
		if (answers.length + window.inFlight >= count) {
			// The oldest answer frees its slot one second after it came; if every slot is still in flight, ask again shortly.
			// Never sleep long: our share of the cap may grow meanwhile.
			return answers.length > 0 ? Math.min(MAX_CAP_WAIT_MS, Math.max(1, answers[0] + spanMs - now)) : 10;
		}
		// Evenly spaced, never in bursts: the answers of a burst queue behind each other, and each slot stays taken
		// until a second after its own answer, so every burst would stretch the next second.
		const spacingWait = window.lastSentAt + 1000 / perSecond - now;
		return spacingWait >= 1 ? Math.min(MAX_CAP_WAIT_MS, Math.ceil(spacingWait)) : 0;
	}

	private take(key: string, window: HeaderWindow, now: number): Slot<HeaderTicket> {
		window.remaining--;
		window.inFlight++;
		window.lastSentAt = now;
		const seq = window.nextSeq++;
		window.sendTimes.push(now);
		window.inFlightSeqs.add(seq);
		return { ticket: { key, seq } };
	}

	/**
	 * Measures what others spend of the same limit: over the last second of answers, X-RateLimit-Remaining
	 * fell by what the provider counted from everyone; what our own requests do not explain is theirs. Our
	 * per-second rate then moves halfway towards what the cap leaves us (all of it when we are alone).
	 */
	private adjustShare(window: HeaderWindow, now: number): void {
		if (now < window.nextAdjustAt || !Number.isFinite(window.limit)) return;
		window.nextAdjustAt = now + (window.othersSeen ? ADJUST_EVERY_MS : SLOW_START_ADJUST_EVERY_MS);
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
		if (span < MIN_MEASURE_SPAN_MS || counted < 0) return;
		// Our requests the provider counted between the two answers, in the order they left.
		const ours = last.seq - first.seq - countSince(window.refused, first.seq, last.seq);
		// A request or two may reach the provider in another order than they left: that is noise, not others.
		const others = Math.max(0, counted - ours);
		const cap = window.limit / this.perSecondDivisor;
		const othersPerSecond = others <= 2 ? 0 : (others * 1000) / span;
		const oursPerSecond = (ours * 1000) / span;
		const total = othersPerSecond + oursPerSecond;
		// Alone for a second running (one and a half, once others have been seen: they may only be pausing after a
		// 429): the whole cap is ours.
		const firstSightOfOthers = othersPerSecond > 0 && !window.othersSeen;
		if (othersPerSecond > 0) [window.aloneSince, window.othersSeen] = [0, true];
		else if (window.aloneSince === 0) window.aloneSince = now;
		const alone =
			window.aloneSince !== 0 &&
			(window.othersSeen ? now - window.aloneSince >= 1.5 * MEASURE_SPAN_MS : now - window.aloneSince + span >= MEASURE_SPAN_MS);
		const target = alone ? cap : cap * SHARED_CAP_TARGET;
		// Below the target every sharer adds the same amount, above it every sharer gives up the same
		// proportion: the shares grow fair while the total stays under the cap (additive increase,
		// multiplicative decrease, as TCP shares a link).
		// Others seen for the first time: back to where every newcomer starts, so the shares start even. (A
		// decrease keeps the sharers' proportions, and equal increases even them out only slowly: an execution
		// that had the cap to itself for a second would otherwise keep most of it.)
		const current = firstSightOfOthers ? Math.min(window.perSecond || cap, cap * START_SHARE) : window.perSecond || cap * START_SHARE;
		// While nobody else has ever shown up, the rate doubles at every measurement (as TCP's slow start does).
		const increase = window.othersSeen ? Math.max(1, (target - total) / 4) : Math.max(1, current);
		const next = firstSightOfOthers ? current : total <= target ? current + increase : current * (target / total);
		window.perSecond = Math.min(cap, Math.max(1, alone ? Math.max(next, cap) : next));
		// Our part of what the minute has left, for the end of the window; never less than a tenth.
		window.share = total > 0 ? Math.max(0.1, oursPerSecond / total) : 1;
	}

	/** Learns the window from one answer: its limit, what is left, when it ends, and what others spent. */
	private observe(window: HeaderWindow, seq: number, { status, headers }: PacerAnswer, now: number): void {
		const sentAt = window.sendTimes[seq - window.firstSeq] ?? now;
		const remaining = headerNumber(headers, 'x-ratelimit-remaining');
		const limit =
			headerNumber(headers, 'x-ratelimit-limit') ?? (Number.isFinite(window.limit) && window.limit > 0 ? window.limit : undefined);
		if (status === 429) {
			window.refused.push(seq);
			window.refused.sort((a, b) => a - b);
			// A 429 that leaves budget: the per-second cap was met, so others spend more of it than we measured.
			if (remaining !== undefined && remaining > 0 && limit !== undefined) {
				const current = window.perSecond || (limit / this.perSecondDivisor) * START_SHARE;
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
