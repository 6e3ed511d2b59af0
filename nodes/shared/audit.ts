import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from './parameters';

import type { ApiResponse, ProviderName } from './types';

export type DeleteOutcome = 'deleted' | 'not_found' | 'dry_run';

export interface DeletionAudit extends IDataObject {
	provider: ProviderName;
	callId: string;
	deleted: boolean;
	outcome: DeleteOutcome;
	httpStatus: number;
	requestedAt: string;
}

/**
 * The audit record every delete returns: what was asked, what the provider answered and when.
 * Provider-specific fields (Stream's task id, Graph's request id) are added by the operation.
 */
export function deletionAudit(callId: string, outcome: DeleteOutcome, response: ApiResponse, extra: IDataObject = {}): DeletionAudit {
	const record: DeletionAudit = {
		provider: response.provider,
		callId,
		deleted: outcome === 'deleted',
		outcome,
		httpStatus: response.status,
		requestedAt: response.requestedAt,
		...extra,
		completedAt: new Date(Date.parse(response.requestedAt) + response.durationMs).toISOString(),
		durationMs: response.durationMs,
		attempts: response.attempts,
	};
	if (response.requestId !== undefined) record.requestId = response.requestId;
	if (response.retriedAfterLostResponse) {
		record.retried = true;
		if (outcome === 'not_found') {
			record.note =
				'An earlier attempt reached the provider but its answer was lost; the call is gone, most likely deleted by that attempt.';
		}
	}
	return record;
}

/** The note on a `not_found` record of a run that re-runs an interrupted one. */
export const INTERRUPTED_RUN_NOTE = 'not found: possibly erased by an interrupted earlier run';

/**
 * Whether this item belongs to a run that re-runs an interrupted one: the user says so with the option
 * (an expression can read it from the request, such as a CRM's re-delivery flag), or n8n says so by
 * running the execution as a retry of one that did not finish.
 */
function isRerun(ctx: IExecuteFunctions, itemIndex: number): boolean {
	if (ctx.getMode() === 'retry') return true;
	return itemParameter<IDataObject>(ctx, 'options', itemIndex, {}).rerunOfInterruptedRun === true;
}

/**
 * In a re-run of an interrupted run, a call the provider no longer knows may well have been erased by
 * that run, whose record was lost with it: the `not_found` record says so, as the `retried` note does
 * after a lost answer. A record that already carries a note (the lost-answer one) keeps it.
 */
export function noteInterruptedRuns(ctx: IExecuteFunctions, results: Array<IDataObject | IDataObject[]>): void {
	results.forEach((record, itemIndex) => {
		if (Array.isArray(record) || record?.outcome !== 'not_found' || record.note !== undefined) return;
		if (!isRerun(ctx, itemIndex)) return;
		record.rerunOfInterruptedRun = true;
		record.note = INTERRUPTED_RUN_NOTE;
	});
}
