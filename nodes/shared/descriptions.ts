import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { RETRY_POLICY } from './retry';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './runner';

/** Options every delete offers, whatever the provider. */
export const ignoreNotFoundOption: INodeProperties = {
	displayName: 'Ignore Not Found',
	name: 'ignoreNotFound',
	type: 'boolean',
	default: false,
	description:
		'Whether a call the provider does not know (already deleted, never existed) gives a normal item with outcome "not_found" instead of an error. Useful for re-running erasure requests.',
};

export const rerunOption: INodeProperties = {
	displayName: 'Re-Run of an Interrupted Run',
	name: 'rerunOfInterruptedRun',
	type: 'boolean',
	default: false,
	description:
		'Whether this run repeats one that was interrupted (a worker that died, a stopped execution, a request re-delivered after no answer). A "not_found" item then carries a note that the call was possibly erased by that earlier run. An n8n retry of an execution counts as a re-run anyway. Use it with Ignore Not Found.',
};

export const dryRunOption: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	description:
		'Whether to only look the call up and report what would be deleted, deleting nothing. Use it before a real delete to confirm the call; the item gets outcome "dry_run".',
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	default: DEFAULT_CONCURRENCY,
	description: "How many items are processed at the same time. Requests are paced to the provider's rate limit either way.",
};

export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Ms)',
	name: 'requestTimeout',
	type: 'number',
	typeOptions: { minValue: 1000 },
	default: 30000,
	description: 'How long to wait for one answer before the attempt counts as failed and is retried',
};

export const maxAttemptsOption: INodeProperties = {
	displayName: 'Max Attempts',
	name: 'maxAttempts',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 20 },
	default: 6,
	description: `How many times one request is tried when the provider is unavailable or unreachable, or answers 429 without saying when to retry. A 429 that says when (Retry-After, X-RateLimit-Reset) is waited out within the ${RETRY_POLICY.retryBudgetMs / 60_000}-minute retry budget. Other errors are never retried.`,
};

/** Options shared by operations that send one request per item. */
export const transportOptions: INodeProperties[] = [concurrencyOption, maxAttemptsOption, requestTimeoutOption];

export const verifyOption: INodeProperties = {
	displayName: 'Verify Erasure',
	name: 'verify',
	type: 'boolean',
	default: false,
	description:
		'Whether to look the call up again after the delete (for a Stream hard delete, after its task completed) and record "verified" only when the provider says it is gone. A call still readable fails the item; a look-up that fails or proves nothing keeps the delete on record with "verified" empty and the reason. A Stream soft delete is never verified: Stream keeps its data.',
};

/** The Options of every delete: Dry Run, Ignore Not Found, Re-Run and Verify Erasure, between the provider's own and the transport's. */
export function deletionOptions({
	first = [],
	verifyDescription,
	extra = [],
	transport = transportOptions,
}: {
	first?: INodeProperties[];
	verifyDescription?: string;
	extra?: INodeProperties[];
	transport?: INodeProperties[];
} = {}): INodeProperties {
	const verify = verifyDescription ? { ...verifyOption, description: verifyDescription } : verifyOption;
	return optionsCollection([...first, dryRunOption, ignoreNotFoundOption, rerunOption, verify, ...extra, ...transport]);
}

/** A resource's Operation selector. test/release/ux-guidelines.test.ts checks every one as n8n's lint would. */
export function operationField(show: IDisplayOptions['show'], defaultOperation: string, options: INodePropertyOptions[]): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show },
		options,
		default: defaultOperation,
	};
}

/** Call ID: every provider's one required identifier. */
export function callIdFieldOf(placeholder: string, description: string): INodeProperties {
	return { displayName: 'Call ID', name: 'callId', type: 'string', required: true, default: '', placeholder, description };
}

/** The Filters collection of a get many. */
export function filtersCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Filters', name: 'filters', type: 'collection', placeholder: 'Add filter', default: {}, options };
}

/** The "Options" collection every operation ends with. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add option', default: {}, options };
}

/**
 * Simplify on every get and get many: the item carries identifiers, times, states and counts, which is all that
 * erasure, cleanup and retention need. An erasure tool must not leave a copy of what it erases in n8n's own store.
 */
export function simplifyField(fullAnswer: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: `Whether to return only identifiers, times, states and counts (no names, contact details, custom data or file links), so the item holds no personal data. Off returns the provider's answer as it came: ${fullAnswer}.`,
	};
}

/**
 * Sign Receipts, on every operation whose items are evidence (deletes, a hard delete's task). Top level, so the
 * signing key credential can be shown for it; one value for the whole run, as the run is signed as a whole.
 */
export const signReceiptsField: INodeProperties = {
	displayName: 'Sign Receipts',
	name: 'signReceipts',
	type: 'boolean',
	default: false,
	noDataExpression: true,
	description:
		'Whether to sign every output item as an erasure receipt (Ed25519) with the Erasure Receipt Signing Key, and the run as a whole, so that anyone holding your published public key can check that no record was changed, dropped or invented',
};
