import type { IDataObject } from 'n8n-workflow';

/** What the trigger keeps in the node's static data between polls (saved by n8n after each poll). */
export interface TriggerState extends IDataObject {
	emitted?: string[];
	transientPolls?: number;
}

/**
 * Remembers which tasks were already emitted, so each fires exactly once across polls, reactivation and
 * restarts. Ids still watched are always kept; others (a list that moved on) are kept up to a cap, the
 * most recent first, so the stored list cannot grow without bound.
 */
export const MAX_REMEMBERED_ELSEWHERE = 10_000;

export class EmittedTasks {
	private readonly ids: Set<string>;

	constructor(private readonly state?: TriggerState) {
		this.ids = new Set(Array.isArray(state?.emitted) ? state.emitted : []);
	}

	has(taskId: string): boolean {
		return this.ids.has(taskId);
	}

	add(taskId: string): void {
		this.ids.add(taskId);
	}

	/** Counts polls in a row where every lookup failed transiently. */
	recordTransientPoll(): number {
		const count = Number(this.state?.transientPolls ?? 0) + 1;
		if (this.state) this.state.transientPolls = count;
		return count;
	}

	recordHealthyPoll(): void {
		if (this.state && this.state.transientPolls) this.state.transientPolls = 0;
	}

	/** Writes the bounded list back to static data (only when it changed, to spare a database write). */
	prune(watched: string[]): void {
		if (!this.state) return;
		const watchedSet = new Set(watched);
		const all = [...this.ids];
		const stillWatched = all.filter((id) => watchedSet.has(id));
		const elsewhere = all.filter((id) => !watchedSet.has(id)).slice(-MAX_REMEMBERED_ELSEWHERE);
		const next = [...elsewhere, ...stillWatched];
		const previous = this.state.emitted ?? [];
		if (next.length !== previous.length || next.some((id, index) => id !== previous[index])) {
			this.state.emitted = next;
		}
	}
}
