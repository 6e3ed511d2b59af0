import { askedWaitMs } from './headers';
import { type PacerAnswer, PausingPacer, type Slot } from './pacer';

/** A provider with no published limit (Microsoft Graph's calls API): requests go at once; a 429 that names a wait still pauses all. */
export class Unpaced extends PausingPacer<true> {
	protected reserve(): Slot<true> {
		return { ticket: true };
	}

	protected learn(_ticket: true, answer: PacerAnswer | undefined, now: number): number | undefined {
		return answer?.status === 429 ? askedWaitMs(answer.headers, now) : undefined;
	}
}
