import { askedWaitMs, retryAfterMs } from './headers';
import { CLOCK_MARGIN_MS, dropOlderThan, type PacerAnswer, PausingPacer, type Slot } from './pacer';

/** A turn, and whether it went beyond the share the provider last allowed us (a probe). */
export interface SlidingTicket {
	probe: boolean;
}

/** How often a request beyond our share asks again whether it may probe, and how many probes may be on their way. */
const PROBE_POLL_MS = 20;
const MAX_PROBE_WINDOW = 64;

/**
 * A sliding window with no headers (HuskyVoice): at most `limit` requests in any window of `windowMs`, a request's
 * place freed one window after its answer. Other
 * executions may spend the same limit, and only a 429 reveals them, so two additions:
 * - the first second sends a twentieth of the limit, evenly spaced, and the rate grows by half every second
 *   after (seconds of a one-minute window): executions that start together fill the window in about four
 *   seconds and overshoot it by the few requests on their way, not by their concurrency;
 * - after a 429 we keep to the part of the window we had when the provider said it was full, growing it again
 *   from the limit's nominal per-second rate, faster the longer no 429 comes. Beyond the part we held, one
 *   request at a time asks whether there is room, more at once as they are let through.
 */
export class SlidingWindowPacer extends PausingPacer<SlidingTicket> {
	/**
	 * When our answered requests got their answer, oldest first, and how many are still on their way. A request
	 * reaches the provider before its answer reaches us, so a slot freed one window after the answer is free at
	 * the provider too, however long the request took on its way.
	 */
	private readonly answered: number[] = [];
	private inFlight = 0;
	private lastSentAt = 0;
	/** Our share of the limit, learnt from the last 429 that named a wait (the whole limit until one comes). */
	private share = Number.POSITIVE_INFINITY;
	private shareAt = 0;
	/** Probes on their way, and how many may be: doubles with every probe accepted, 1 after a 429. */
	private probesInFlight = 0;
	private probeWindow = 1;
	private firstSentAt = 0;

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
	) {
		super();
	}

	protected reserve(_key: string, now: number): Slot<SlidingTicket> {
		const { answered, limit, windowMs } = this;
		dropOlderThan(answered, now - windowMs - CLOCK_MARGIN_MS + 1);
		const held = answered.length + this.inFlight;
		if (this.firstSentAt === 0) this.firstSentAt = now;
		// The ramp counts in steps of a sixtieth of the window (a second for a one-minute window), and spaces the
		// requests of a step evenly: a burst would put our whole concurrency on the way before a 429 could stop it.
		const stepMs = Math.max(1, windowMs / 60);
		const ramp = Math.max(1, Math.ceil(limit / 20)) * 1.5 ** Math.floor((now - this.firstSentAt) / stepMs);
		if (ramp < limit && this.lastSentAt > 0) {
			const spacing = stepMs / ramp;
			if (now - this.lastSentAt < spacing) return { waitMs: Math.max(1, Math.ceil(this.lastSentAt + spacing - now)) };
		}
		const allowed = Math.min(limit, this.allowance(now));
		if (held < allowed) {
			const probe = Number.isFinite(this.share) && held >= this.share;
			// Beyond the share the provider last allowed us: one request at a time asks whether there is room,
			// so a full window costs one 429, not one per request on its way.
			if (probe && this.probesInFlight >= this.probeWindow) return { waitMs: PROBE_POLL_MS };
			if (probe) this.probesInFlight++;
			this.inFlight++;
			this.lastSentAt = now;
			return { ticket: { probe } };
		}
		// The answer that frees the slot we need; while requests on their way hold it, ask again shortly.
		const freeing = answered[held - allowed];
		const wait = freeing === undefined ? PROBE_POLL_MS : Math.max(1, freeing + windowMs + CLOCK_MARGIN_MS - now);
		// While our share grows, ask again as soon as it has grown by one request.
		return { waitMs: Number.isFinite(this.share) ? Math.min(wait, Math.ceil(windowMs / limit)) : wait };
	}

	protected learn(ticket: SlidingTicket, answer: PacerAnswer | undefined, now: number): number | undefined {
		if (ticket.probe) this.probesInFlight = Math.max(0, this.probesInFlight - 1);
		this.inFlight = Math.max(0, this.inFlight - 1);
		// The provider may have counted a request whose answer we never got: it holds its slot like an answered one.
		if (answer?.status !== 429) this.answered.push(now);
		if (!answer) return undefined;
		// A probe accepted: there was room beyond our share; let more ask at once.
		if (answer.status !== 429) {
			if (ticket.probe) this.probeWindow = Math.min(MAX_PROBE_WINDOW, this.probeWindow * 2);
			return undefined;
		}
		// The refused request was not counted by the provider, and the window is full: what we hold of it is our
		// share. A 429 without Retry-After says nothing about the window, so it changes no share.
		this.probeWindow = 1;
		if (retryAfterMs(answer.headers, now) !== undefined) {
			dropOlderThan(this.answered, now - this.windowMs - CLOCK_MARGIN_MS + 1);
			this.share = Math.max(1, this.answered.length + this.inFlight);
			this.shareAt = now;
		}
		return askedWaitMs(answer.headers, now);
	}

	/**
	 * Our part of a shared window: what we held when the provider last said "full", growing by the limit's
	 * nominal per-second rate, faster the longer no 429 comes (others may have finished; only the next 429
	 * would tell). After 2 s four nominal seconds' worth, after 6 s twenty-four.
	 */
	private allowance(now: number): number {
		if (!Number.isFinite(this.share)) return this.limit;
		const seconds = Math.max(0, now - Math.max(this.shareAt, this.pausedUntil)) / 1000;
		const allowance = Math.floor(this.share + ((this.limit * 1000) / this.windowMs) * (seconds + (seconds * seconds) / 2));
		if (allowance >= this.limit) this.share = Number.POSITIVE_INFINITY;
		return Math.max(1, allowance);
	}
}
