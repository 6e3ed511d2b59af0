import { sleepUnlessCancelled } from '../cancellation';

/** What the pacer learns from: an answer's status and headers. */
export interface PacerAnswer {
	status: number;
	headers: Record<string, string>;
}

/** How long a request may wait for its turn once it is first in line. */
export interface WaitBound {
	/** At most this long from when the request is first in line (the request's retry budget). */
	maxWaitMs?: number;
	/** And never past this time (the end of a trigger poll's budget). */
	notAfter?: number;
}

/**
 * A turn that would come later than the request may wait: thrown by acquire at once, instead of holding the
 * request (and every item behind it) until then. `until` is when the provider said to come back, or when the
 * limit's next turn frees.
 */
export class TurnTooLate extends Error {
	constructor(
		readonly until: number,
		/** True when a 429's Retry-After or a spent window's X-RateLimit-Reset named the time. */
		readonly askedByProvider: boolean,
	) {
		super(`The next turn is at ${new Date(until).toISOString()}`);
	}
}

/**
 * Keeps one node execution's requests within a provider's rate limit, so that items wait their turn instead
 * of failing with 429. Shared by every concurrent worker of the execution; one request's turn is a ticket.
 */
export interface Pacer<Ticket = unknown> {
	/**
	 * Waits until a request to `key` may go. Undefined, at once, once the execution is stopped. Throws TurnTooLate,
	 * at once, when the turn would come after `bound` allows.
	 */
	acquire(key: string, cancelSignal?: AbortSignal, bound?: WaitBound): Promise<Ticket | undefined>;
	/**
	 * Ends a turn with the request's answer, or without one (a network fault, a credential that failed).
	 * Returns the wait a 429 asked for, undefined when it named none.
	 */
	settle(ticket: Ticket, answer?: PacerAnswer): number | undefined;
}

/** A turn given, or how long to wait before asking again (and whether the provider named that time). */
export type Slot<Ticket> = { ticket: Ticket } | { waitMs: number; askedByProvider?: boolean };

/** A margin on every computed wait: the provider's clock and ours are not the same clock. */
export const CLOCK_MARGIN_MS = 50;

/**
 * What every strategy shares: a 429 that asks for a wait pauses every worker of the execution until then.
 * A strategy says when a request may go (`reserve`) and what an answer teaches it (`learn`).
 */
export abstract class PausingPacer<Ticket> implements Pacer<Ticket> {
	/** Until when no request goes: the latest wait a 429 asked for. */
	protected pausedUntil = 0;
	/** Per key, the turn of the last request to ask: requests get their turns in the order they asked (items in order). */
	private readonly lastInLine = new Map<string, Promise<void>>();

	async acquire(key: string, cancelSignal?: AbortSignal, bound: WaitBound = {}): Promise<Ticket | undefined> {
		const ahead = this.lastInLine.get(key);
		let leaveLine!: () => void;
		const turn = new Promise<void>((resolve) => (leaveLine = resolve));
		this.lastInLine.set(key, turn);
		try {
			if (ahead) await ahead;
			// Waiting in line behind other items does not count; waiting for the limit does.
			const deadline = Math.min(Date.now() + (bound.maxWaitMs ?? Number.POSITIVE_INFINITY), bound.notAfter ?? Number.POSITIVE_INFINITY);
			while (!cancelSignal?.aborted) {
				const now = Date.now();
				const paused = this.pausedUntil > now;
				const slot: Slot<Ticket> = paused ? { waitMs: this.pausedUntil - now } : this.reserve(key, now);
				if ('ticket' in slot) return slot.ticket;
				if (now + slot.waitMs > deadline) throw new TurnTooLate(now + slot.waitMs, paused || slot.askedByProvider === true);
				await sleepUnlessCancelled(slot.waitMs, cancelSignal);
			}
			return undefined;
		} finally {
			leaveLine();
			if (this.lastInLine.get(key) === turn) this.lastInLine.delete(key);
		}
	}

	settle(ticket: Ticket, answer?: PacerAnswer): number | undefined {
		const now = Date.now();
		const asked = this.learn(ticket, answer, now);
		if (asked !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + asked + CLOCK_MARGIN_MS);
		return asked;
	}

	protected abstract reserve(key: string, now: number): Slot<Ticket>;

	/** Learns from the answer and frees the ticket's turn; returns the wait a 429 asked for. */
	protected abstract learn(ticket: Ticket, answer: PacerAnswer | undefined, now: number): number | undefined;
}

/** Times, oldest first: drops those before `limit`. */
export function dropOlderThan(sorted: number[], limit: number): void {
	let drop = 0;
	while (drop < sorted.length && sorted[drop] < limit) drop++;
	if (drop > 0) sorted.splice(0, drop);
}
