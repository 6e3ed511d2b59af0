import type { IDataObject } from 'n8n-workflow';

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
export function deletionAudit(
	provider: ProviderName,
	callId: string,
	outcome: DeleteOutcome,
	response: ApiResponse,
	extra: IDataObject = {},
): DeletionAudit {
	const record: DeletionAudit = {
		provider,
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
