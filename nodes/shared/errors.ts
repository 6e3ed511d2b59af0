// Error mapping: what failed (a provider's answer, a network fault) becomes the item's error, with the
// provider's code, a hint, the request ID for support, and a typed context the runner shows as details.
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { RETRY_POLICY } from './retry';
import type { ItemErrorContext, ProviderErrorDetails, ProviderProfile } from './types';
import { itemErrorContext } from './types';

/** A failed request: the provider's answer, or the network fault, after retries. */
export class ProviderRequestFailure {
	constructor(
		readonly status: number | undefined,
		readonly code: string | undefined,
		readonly message: string,
		readonly requestId: string | undefined,
		readonly attempts: number,
		/** What happened, when it was not an answer or a fault of the provider's API (the token service failed). */
		readonly summary?: string,
	) {}
}

/**
 * The error envelope Microsoft Graph and HuskyVoice share: `{"error": {"code", "message", ...}}` (Graph:
 * learn.microsoft.com/graph/errors; HuskyVoice: docs.huskyvoice.ai, Errors).
 */
export function parseErrorEnvelope(status: number, body: unknown): ProviderErrorDetails {
	const error = ((body ?? {}) as IDataObject).error as IDataObject | undefined;
	if (error && typeof error === 'object') {
		return { code: error.code !== undefined ? String(error.code) : undefined, message: String(error.message ?? `HTTP ${status}`) };
	}
	return { message: `HTTP ${status}` };
}

/** What a failed attempt looked like, as far as the error is concerned. */
interface FailedAttempt {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	networkError?: string;
	redirectOrigin?: string;
	failureMessage?: string;
}

/** The failure for an answer (in the provider's own error format) or a network fault. */
export function failureOf(
	profile: ProviderProfile,
	attempt: FailedAttempt,
	attempts: number,
	clientRequestId?: string,
): ProviderRequestFailure {
	const requestId = profile.requestIdFrom(attempt.headers, attempt.body) ?? clientRequestId;
	if (attempt.redirectOrigin !== undefined) {
		return new ProviderRequestFailure(
			attempt.status,
			'UNEXPECTED_REDIRECT',
			`unexpected redirect to ${attempt.redirectOrigin}`,
			requestId,
			attempts,
		);
	}
	if (attempt.failureMessage !== undefined) {
		return new ProviderRequestFailure(
			attempt.status,
			attempt.networkError,
			attempt.failureMessage,
			requestId,
			attempts,
			`No request reached ${profile.displayName}: the credential's token could not be fetched.`,
		);
	}
	if (attempt.networkError !== undefined) {
		return new ProviderRequestFailure(
			attempt.status,
			attempt.networkError,
			attempt.status !== undefined
				? `The answer could not be read (${attempt.networkError})`
				: `could not reach ${profile.displayName} (${attempt.networkError})`,
			requestId,
			attempts,
		);
	}
	const status = attempt.status as number;
	const details = profile.parseError(status, attempt.body);
	return new ProviderRequestFailure(status, details.code, details.message, requestId, attempts);
}

/** The item error for a failure: "<Provider>: <message>", with what happened and what to do in the description. */
export function providerError(
	node: INode,
	profile: ProviderProfile,
	failure: ProviderRequestFailure,
	itemIndex: number,
	context: ItemErrorContext = {},
	advice?: string,
): NodeApiError {
	const { displayName, provider } = profile;
	const code = failure.code !== undefined ? `, code ${failure.code}` : '';
	const retries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
	const hint = failure.status !== undefined ? profile.hints?.[failure.status] : undefined;
	const what =
		failure.summary ??
		(failure.status !== undefined
			? `${displayName} answered HTTP ${failure.status}${code}${retries}.`
			: `No answer came from ${displayName}${failure.code !== undefined ? ` (${failure.code})` : ''}${retries}.`);
	const descriptionParts = [
		what,
		advice ?? hint,
		failure.requestId ? `Request ID for ${displayName} support: ${failure.requestId}.` : undefined,
	];
	const errorBody: ItemErrorContext & { message: string } = {
		...context,
		provider,
		httpStatus: failure.status ?? null,
		code: failure.code ?? null,
		message: failure.message,
		requestId: failure.requestId ?? null,
		attempts: failure.attempts,
	};
	const error = new NodeApiError(node, errorBody as unknown as JsonObject, {
		message: `${displayName}: ${failure.message}`,
		description: descriptionParts.filter(Boolean).join(' '),
		httpCode: failure.status !== undefined ? String(failure.status) : undefined,
		itemIndex,
	});
	error.context = { ...error.context, ...errorBody, itemIndex };
	// NodeApiError replaces the message of some codes (ENOTFOUND, ECONNREFUSED) with a generic one; ours names the provider.
	error.message = `${displayName}: ${failure.message}`;
	return error;
}

/** True for an item error caused by a fault worth trying again later (429, 5xx, network). */
export function isTransientFailure(error: unknown): boolean {
	const context = itemErrorContext(error);
	if (!('httpStatus' in context)) return false;
	const status = context.httpStatus;
	return status === null || RETRY_POLICY.retryableStatuses.has(Number(status));
}
