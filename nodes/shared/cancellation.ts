import { sleep } from 'n8n-workflow';

import type { RequestContext } from './types';

/** Longest single sleep: a stopped execution notices within a second, even during a long rate-limit wait. */
const SLEEP_SLICE_MS = 1000;

/** The signal n8n raises when the user stops the execution. Polls have none: n8n ends them itself. */
export function cancelSignalOf(ctx: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/** Sleeps for `ms`, returning early once the execution is stopped. */
export async function sleepUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<void> {
	const until = Date.now() + ms;
	while (!signal?.aborted) {
		const left = until - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, SLEEP_SLICE_MS));
	}
}

/**
 * Settles with `work`, or rejects as soon as the execution is stopped: a request n8n's Stop cannot abort (a
 * credential's token request) no longer holds the item. The request itself ends on its own timeout.
 */
export async function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return await work;
	if (signal.aborted) {
		work.catch(() => undefined);
		throw new Error('The execution was stopped');
	}
	let onAbort!: () => void;
	const stopped = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new Error('The execution was stopped'));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	work.catch(() => undefined);
	try {
		return await Promise.race([work, stopped]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
