import type { IDataObject } from 'n8n-workflow';

/**
 * What Graph items carry when Simplify is on, and what an error item may quote of Graph's answer: the call's ID,
 * state and direction. Never `source` or `targets` (identities with display names and phone numbers), `subject`
 * or `callbackUri` (Graph call resource, learn.microsoft.com/graph/api/resources/call).
 */

/** One call resource (GET /communications/calls/{id}). */
export function minimalCall(call: IDataObject): IDataObject {
	return {
		callId: call.id,
		state: call.state,
		direction: call.direction,
		callChainId: call.callChainId ?? null,
	};
}

/** Graph's answer as an error item may quote it: the error envelope (code, message, request ID and date), or the call reduced as above. */
export function minimalGraphAnswer(body: IDataObject): IDataObject {
	const error = body.error;
	if (error && typeof error === 'object') {
		const { code, message, innerError } = error as IDataObject;
		const inner = (innerError ?? {}) as IDataObject;
		return { error: { code, message, innerError: { 'request-id': inner['request-id'], date: inner.date } } };
	}
	return body.id !== undefined ? minimalCall(body) : { otherFields: Object.keys(body) };
}
