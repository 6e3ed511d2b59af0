import type { PacingPolicy } from '../types';
import { HeaderWindowPacer } from './headerWindow';
import type { Pacer } from './pacer';
import { SlidingWindowPacer } from './slidingWindow';
import { Unpaced } from './unpaced';

export type { Pacer, PacerAnswer, WaitBound } from './pacer';
export { TurnTooLate } from './pacer';
export { askedWaitMs, retryAfterMs } from './headers';

/** The pacer a provider's policy names; one per node execution, shared by its workers. */
export function createPacer(policy: PacingPolicy): Pacer {
	switch (policy.kind) {
		case 'slidingWindow':
			return new SlidingWindowPacer(policy.limit, policy.windowMs);
		case 'rateLimitHeaders':
			return new HeaderWindowPacer(policy.perSecondDivisor);
		case 'none':
			return new Unpaced();
	}
}
