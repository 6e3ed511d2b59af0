import type { IDataObject, NodeApiError } from 'n8n-workflow';

import type { DeletionAudit } from './audit';
import { deletionAudit } from './audit';
import { sleepUnlessCancelled } from './cancellation';
import { ProviderRequestFailure, type ProviderClient } from './transport';
import { itemErrorContext, type ApiRequest, type ApiResponse, type ItemIdentity } from './types';

/**
 * Look-ups after a delete before the item counts as still readable. Providers are eventually consistent:
 * Stream's own SDK tests retry GetCall for up to 5 s after a delete (GetStream/stream-node __tests__/call.test.ts).
 */
const VERIFY_LOOKUPS = 5;
const VERIFY_INTERVAL_MS = 1000;
const ANSWER_SUMMARY_CHARS = 400;

/** What a look-up answer that still reads says about the item. */
export type Reading = 'gone' | 'present' | { unreadable: string };

/** How to look an item up after its delete, and how to read what comes back. */
export interface GoneCheck {
	request: ApiRequest;
	/** A 404 that is the provider's "nothing here"; any other 404 (an unknown call type, a proxy) proves nothing. */
	isNotFound: (response: ApiResponse) => boolean;
	/**
	 * A 2xx answer: the item still there, or shown erased (a Graph call "terminated", a file no longer listed), or
	 * an answer not in its documented shape, which proves neither. Without it, every 2xx means "still there".
	 */
	readsAs?: (response: ApiResponse) => Reading;
}

type LookUpResult = { gone: true } | { gone: false; response: ApiResponse } | { unverified: string };

/** How an erasure was verified, as the audit record reports it. */
export type Verification = { verified: true; verifiedAt: string } | { verified: null; verificationNote: string };

/**
 * A short summary of a provider's answer for an error item: enough to see what came back, and only what the
 * provider's profile allows to quote, so a failed item carries no personal data from the answer.
 */
function summarizeAnswer(client: ProviderClient, body: unknown): string {
	const empty = body === undefined || body === null || body === '';
	const quotable = !empty && typeof body === 'object' && !Array.isArray(body) ? client.profile.quotableAnswer(body as IDataObject) : body;
	const text = empty ? '(empty body)' : JSON.stringify(quotable);
	return text.length > ANSWER_SUMMARY_CHARS ? `${text.slice(0, ANSWER_SUMMARY_CHARS)}…` : text;
}

/**
 * The item error for a success status whose answer does not confirm the deletion. Never retried: the
 * provider may or may not have acted, so the user looks first.
 */
export function unconfirmedDeletion(
	client: ProviderClient,
	response: ApiResponse,
	itemIndex: number,
	context: ItemIdentity,
	what: string,
): NodeApiError {
	return answerError(
		client,
		response,
		{ itemIndex, context, code: 'UNCONFIRMED', message: `The answer did not confirm the deletion (${what})` },
		'Nothing was recorded as erased. Look the item up (Get, or Dry Run) to see whether it still exists before running the delete again.',
	);
}

/** An item error about one answer of the provider: a code and message of ours, the answer summarised in details. */
export function answerError(
	client: ProviderClient,
	response: ApiResponse,
	item: { itemIndex: number; context: ItemIdentity; code: string | undefined; message: string },
	advice: string,
): NodeApiError {
	const failure = new ProviderRequestFailure(response.status, item.code, item.message, response.requestId, response.attempts);
	return client.toNodeError(
		failure,
		item.itemIndex,
		{ context: { ...item.context, answer: summarizeAnswer(client, response.body) } },
		advice,
	);
}

const NOT_VERIFIED = 'The delete itself was confirmed and is recorded; the erasure was not verified.';

/**
 * One look-up after a delete. Gone only on the provider's own "not found" or an answer in its documented shape
 * that shows the item erased; a look-up that fails or answers in another shape proves nothing either way.
 */
async function lookUpOnce(client: ProviderClient, itemIndex: number, check: GoneCheck): Promise<LookUpResult> {
	const name = client.profile.displayName;
	let response: ApiResponse;
	try {
		response = await client.request(check.request, itemIndex, [404]);
	} catch (error) {
		// A stop is not a failed look-up: the run ends as stopped.
		if (client.cancelSignal?.aborted) throw client.stopped(itemIndex);
		const { requestId } = itemErrorContext(error);
		return {
			unverified: `The look-up after the delete failed (${(error as Error).message}${requestId ? `, request ID ${requestId}` : ''}). ${NOT_VERIFIED}`,
		};
	}
	if (response.status === 404) {
		if (check.isNotFound(response)) return { gone: true };
		return {
			unverified: `The look-up after the delete answered HTTP 404, but not with ${name}'s "not found" (${summarizeAnswer(client, response.body)}), so it proves nothing. ${NOT_VERIFIED}`,
		};
	}
	const reading = check.readsAs?.(response) ?? 'present';
	if (reading === 'gone') return { gone: true };
	if (reading === 'present') return { gone: false, response };
	return { unverified: `The look-up after the delete answered in an unexpected shape (${reading.unreadable}). ${NOT_VERIFIED}` };
}

/** Looks the item up until it is gone, or until the provider has had time to catch up with the delete. */
async function lookUpUntilGone(client: ProviderClient, itemIndex: number, check: GoneCheck): Promise<LookUpResult> {
	let result = await lookUpOnce(client, itemIndex, check);
	for (let lookUps = 1; 'response' in result && lookUps < VERIFY_LOOKUPS && !client.cancelSignal?.aborted; lookUps++) {
		await sleepUnlessCancelled(VERIFY_INTERVAL_MS, client.cancelSignal);
		result = await lookUpOnce(client, itemIndex, check);
	}
	return result;
}

/**
 * Verifies an erasure: seen gone gives `verified: true`; a look-up that proves nothing keeps the confirmed delete
 * on record with `verified: null` and the reason; still readable is an item error.
 */
export async function verifyGone(
	client: ProviderClient,
	itemIndex: number,
	context: ItemIdentity,
	check: GoneCheck,
): Promise<Verification> {
	const result = await lookUpUntilGone(client, itemIndex, check);
	if ('unverified' in result) return unverifiable(result.unverified);
	if (result.gone) return verifiedNow();
	throw stillReadable(client, result.response, itemIndex, context);
}

function stillReadable(client: ProviderClient, response: ApiResponse, itemIndex: number, context: ItemIdentity): NodeApiError {
	return answerError(
		client,
		response,
		{ itemIndex, context, code: 'STILL_READABLE', message: 'Still readable after deletion' },
		`The delete was answered, but a look-up ${VERIFY_LOOKUPS} times over ${VERIFY_LOOKUPS - 1} seconds still found it. Do not record it as erased; run the delete again, and contact the provider's support if it stays.`,
	);
}

/** A look-up just found the item gone. */
export function verifiedNow(): Verification {
	return { verified: true, verifiedAt: new Date().toISOString() };
}

/** For items whose credential cannot look calls up: nothing is claimed, and the record says why. */
export function unverifiable(note: string): Verification {
	return { verified: null, verificationNote: note };
}

/** How one delete treats a provider's 404. */
export interface NotFoundRule {
	/** The answer is the provider's "nothing here", as opposed to another 404 (an unknown call type). */
	matches: boolean;
	ignoreNotFound: boolean;
	/** What the user should do, for a "nothing here" that is not ignored. */
	advice: string;
	/** What the user should do, for any other 404. */
	otherAdvice?: string;
}

/**
 * A 404 on delete: an audit item with outcome "not_found" when the user allows it (or when a retry found the
 * work done by an earlier attempt whose answer was lost), otherwise the item's error.
 */
export function notFoundOrError(
	client: ProviderClient,
	response: ApiResponse,
	item: { callId: string; itemIndex: number; extra: IDataObject; context: ItemIdentity },
	rule: NotFoundRule,
): DeletionAudit {
	if (rule.matches && (rule.ignoreNotFound || response.retriedAfterLostResponse)) {
		return deletionAudit(item.callId, 'not_found', response, item.extra);
	}
	throw client.toNodeError(
		client.failureFrom(response),
		item.itemIndex,
		{ context: item.context },
		rule.matches ? rule.advice : rule.otherAdvice,
	);
}
