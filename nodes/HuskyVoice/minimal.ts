import type { IDataObject } from 'n8n-workflow';

/**
 * What HuskyVoice items carry when Simplify is on, and what an error item may quote of HuskyVoice's answer:
 * the call's ID, status, times and duration. Never the contact's name or number, the agent's conversation or any
 * other field of the call record (docs.huskyvoice.ai, Call object).
 */

/** One call record (GET /v1/calls/{id} → data). */
export function minimalCall(call: IDataObject): IDataObject {
	return {
		callId: call.call_id,
		status: call.status,
		// Only completed calls can be erased (docs.huskyvoice.ai, Deleting Calls).
		deletable: call.status === 'completed',
		createdAt: call.created_at ?? null,
		updatedAt: call.updated_at ?? null,
		durationSeconds: call.duration_seconds ?? null,
	};
}

/** HuskyVoice's answer as an error item may quote it: the error envelope, and of `data` its ID, status and outcome. */
export function minimalHuskyAnswer(body: IDataObject): IDataObject {
	const quoted: IDataObject = {};
	for (const key of ['success', 'status', 'message']) if (body[key] !== undefined) quoted[key] = body[key];
	const error = body.error;
	if (error && typeof error === 'object') {
		const { code, message } = error as IDataObject;
		quoted.error = { code, message };
	}
	const data = body.data;
	if (data && typeof data === 'object') {
		const { call_id: callId, status, deleted } = data as IDataObject;
		quoted.data = { call_id: callId, status, deleted };
	}
	const unquoted = Object.keys(body).filter((key) => !(key in quoted));
	if (unquoted.length > 0) quoted.otherFields = unquoted;
	return quoted;
}
