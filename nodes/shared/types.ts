import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

export type ProviderName = 'streamVideo' | 'microsoftGraph' | 'huskyVoice';

/** The n8n contexts that may send provider requests: action nodes and the polling trigger. */
export type RequestContext = IExecuteFunctions | IPollFunctions;

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

export interface ApiRequest {
	method: HttpMethod;
	/** Under the client's base URL, IDs already through pathSegment. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: Record<string, string>;
	/** Requests sharing a key share a provider rate limit (Stream limits each endpoint separately). */
	rateLimitKey?: string;
	/** Fields identifying the item (call id, task id), copied into an error for this request. */
	context?: ItemIdentity;
}

export interface ApiResponse {
	/** Who answered: the audit record and the error item name it. */
	provider: ProviderName;
	status: number;
	body: IDataObject;
	headers: Record<string, string>;
	requestId?: string;
	/** ISO time the first attempt was sent. */
	requestedAt: string;
	durationMs: number;
	attempts: number;
	/** True when an earlier attempt may have reached the provider before its answer was lost. */
	retriedAfterLostResponse: boolean;
}

export interface ProviderErrorDetails {
	code?: string;
	message: string;
}

/** What the shared transport needs to know about one provider. */
export interface ProviderProfile {
	provider: ProviderName;
	displayName: string;
	credentialType: string;
	parseError(status: number, body: unknown): ProviderErrorDetails;
	requestIdFrom(headers: Record<string, string>, body: unknown): string | undefined;
	/**
	 * The part of an answer an error item may quote (details.answer): identifiers, states and error codes, never
	 * personal data (names, contact details, custom data, file links). Required, so every provider decides.
	 */
	quotableAnswer(body: IDataObject): IDataObject;
	/** Header carrying a request id we generate, for providers that trace requests by it. */
	clientRequestIdHeader?: string;
	/** Extra advice shown under an error, keyed by HTTP status. */
	hints?: Partial<Record<number, string>>;
	/**
	 * The credential fetches an expiring token (preAuthentication). A 401 then means "token expired":
	 * one item refreshes it while the others wait and reuse the new token.
	 */
	refreshesTokenOn401?: boolean;
}

export type PacingPolicy =
	| { kind: 'none' }
	/** A fixed number of requests in any sliding window (HuskyVoice: 60 per minute per key). */
	| { kind: 'slidingWindow'; limit: number; windowMs: number }
	/** Limits announced by X-RateLimit-Limit/Remaining/Reset (Stream), with a per-second cap of limit ÷ 30. */
	| { kind: 'rateLimitHeaders'; perSecondDivisor: number };

export interface TransportOptions {
	concurrency: number;
	/** Per-attempt timeout. */
	timeoutMs: number;
	/** Failed attempts per request; a 429 that says when to come back (Retry-After, X-RateLimit-Reset) is not counted. */
	maxAttempts: number;
	/** Retries stop once this long has passed since an item's first failed attempt (waits included). */
	retryBudgetMs: number;
}

/** What identifies the item an error is about; copied into the error item's `details`. */
export interface ItemIdentity {
	callId?: string;
	callType?: string;
	cid?: string;
	sessionId?: string;
	filename?: string;
	taskId?: string;
	userId?: string;
	/** The call's status, where a look-up found it (HuskyVoice: queued, in_progress, …). */
	callStatus?: string;
}

/**
 * The `context` of every item error: written where the error is made (transport, validation, erasure), read
 * by the runner (the error item's `details`) and the trigger (is this failure passing, or for good?).
 */
export interface ItemErrorContext extends ItemIdentity {
	provider?: ProviderName;
	/** The provider's HTTP status; null when no answer came (a network fault). */
	httpStatus?: number | null;
	/** The provider's own error code, or ours (UNCONFIRMED, STILL_READABLE). */
	code?: string | null;
	requestId?: string | null;
	attempts?: number;
	/** A short summary of the provider's answer, where it explains the failure. */
	answer?: string;
	itemIndex?: number;
}

/** The fields of an item error's context that its error item shows, in this order. */
export const ITEM_ERROR_DETAILS: Array<keyof ItemErrorContext> = [
	'provider',
	'callId',
	'callType',
	'cid',
	'sessionId',
	'filename',
	'taskId',
	'userId',
	'callStatus',
	'httpStatus',
	'code',
	'requestId',
	'attempts',
	'answer',
];

/** An error's context as this package writes it (empty for errors from elsewhere). */
export function itemErrorContext(error: unknown): ItemErrorContext {
	const context = (error as { context?: unknown } | undefined)?.context;
	return context && typeof context === 'object' ? (context as ItemErrorContext) : {};
}
