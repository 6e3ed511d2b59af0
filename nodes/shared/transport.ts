import { randomUUID } from 'node:crypto';

import type { IAdditionalCredentialOptions, IDataObject, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, sleepUnlessCancelled } from './cancellation';
import { DEFAULT_CONCURRENCY } from './descriptions';
import { RequestPacer } from './pacing';
import { itemErrorContext } from './types';
import type { ApiRequest, ApiResponse, ItemErrorContext, PacingPolicy, ProviderProfile, RequestContext, TransportOptions } from './types';

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	concurrency: DEFAULT_CONCURRENCY,
	timeoutMs: 30_000,
	maxAttempts: 6,
	retryBudgetMs: 5 * 60_000,
};

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

interface RawOutcome {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	networkError?: string;
	/** Not an HTTP or network failure: the credential could not authenticate, or the run was cancelled. */
	setupError?: Error;
	/** The request may have reached the provider (a timeout, a reset, a garbled answer). */
	mayHaveActed: boolean;
}

/** True for an item error caused by a fault worth trying again later (429, 5xx, network). */
export function isTransientFailure(error: unknown): boolean {
	const context = itemErrorContext(error);
	if (!('httpStatus' in context)) return false;
	const status = context.httpStatus;
	return status === null || RETRYABLE_STATUSES.has(Number(status));
}

/** A failed request: the provider's answer, or the network fault, after retries. */
export class ProviderRequestFailure {
	constructor(
		readonly status: number | undefined,
		readonly code: string | undefined,
		readonly message: string,
		readonly requestId: string | undefined,
		readonly attempts: number,
	) {}
}

/**
 * The one transport for all providers. It sends through n8n's authenticated HTTP helper (so the
 * credential's own authentication runs, including token refresh on 401), paces to the provider's
 * limits, retries what is transient, and maps failures to NodeApiError with the provider's code.
 */
export class ProviderClient {
	readonly pacer: RequestPacer;
	/** A failure no retry or other item can fix (a token that cannot be fetched); later items fail fast. */
	private setupFailure?: Error;
	/** The token refresh in progress, shared by every item that met the expired token. */
	private tokenRefresh?: Promise<RawOutcome>;
	/** When the last token refresh finished: a 401 to a request sent before it needs no new refresh. */
	private tokenRefreshedAt = 0;
	/**
	 * The credential, decrypted once per execution instead of once per request. n8n's helper writes a
	 * refreshed token into this same object, so every later request of the run uses it.
	 */
	private credential?: Promise<IAdditionalCredentialOptions>;
	/** Raised when the user stops the execution: no further request is sent, and waits end early. */
	readonly cancelSignal: AbortSignal | undefined;

	constructor(
		private readonly ctx: RequestContext,
		readonly profile: ProviderProfile,
		pacing: PacingPolicy,
		readonly options: TransportOptions = DEFAULT_TRANSPORT_OPTIONS,
	) {
		this.pacer = new RequestPacer(pacing);
		this.cancelSignal = cancelSignalOf(ctx);
	}

	/**
	 * Sends a request, retrying 429, 5xx and network faults. Resolves with 2xx answers and with any
	 * status listed in `acceptStatuses` (for example 404, which callers turn into "not found"); any
	 * other answer throws a NodeApiError for the item.
	 */
	async request(request: ApiRequest, itemIndex: number, acceptStatuses: number[] = []): Promise<ApiResponse> {
		if (this.setupFailure) throw this.setupError(this.setupFailure, itemIndex);
		const started = Date.now();
		const requestedAt = new Date(started).toISOString();
		const key = request.rateLimitKey ?? 'default';
		const { clientRequestIdHeader } = this.profile;
		const clientRequestId = clientRequestIdHeader ? randomUUID() : undefined;
		if (clientRequestIdHeader && clientRequestId) {
			request = { ...request, headers: { ...request.headers, [clientRequestIdHeader]: clientRequestId } };
		}
		let mayHaveActed = false;
		let reauthenticated = false;
		let attempt = 0;
		// Failures that count against Max Attempts: every one but a 429 that says when to come back.
		let faults = 0;
		let rateLimited = 0;
		let firstFailureAt: number | undefined;
		for (;;) {
			attempt++;
			// acquire returns at once, without a slot, once the execution is stopped.
			const ticket = await this.pacer.acquire(key, this.cancelSignal);
			if (this.cancelSignal?.aborted) throw this.stopped(itemIndex);
			const sentAt = Date.now();
			let outcome = await this.send(request);
			// n8n aborts requests in flight when the execution is stopped: that is not a fault of the provider or the credential.
			if (this.cancelSignal?.aborted) throw this.stopped(itemIndex);
			if (outcome.status === 401 && this.profile.refreshesTokenOn401 && !reauthenticated) {
				reauthenticated = true;
				outcome = await this.afterTokenRefresh(request, sentAt);
			}
			if (outcome.setupError) {
				this.pacer.release(key, ticket);
				this.setupFailure = outcome.setupError;
				throw this.setupError(outcome.setupError, itemIndex);
			}
			if (outcome.status !== undefined) this.pacer.observe(key, outcome.status, outcome.headers, ticket);
			this.pacer.release(key, ticket);

			const succeeded =
				outcome.status !== undefined &&
				outcome.networkError === undefined &&
				((outcome.status >= 200 && outcome.status < 300) || acceptStatuses.includes(outcome.status));
			if (succeeded) {
				return {
					status: outcome.status as number,
					body: (outcome.body ?? {}) as IDataObject,
					headers: outcome.headers,
					requestId: this.profile.requestIdFrom(outcome.headers, outcome.body) ?? clientRequestId,
					requestedAt,
					durationMs: Date.now() - started,
					attempts: attempt,
					retriedAfterLostResponse: mayHaveActed,
				};
			}

			const failure = this.describe(outcome, attempt, clientRequestId);
			// A 429 with Retry-After or X-RateLimit-Reset is a reason to wait, not a fault: the limit may be shared
			// with other executions. Only the retry time budget ends such waits.
			const asked = outcome.status === 429 ? this.pacer.waitAfterTooManyRequests(key, outcome.headers) : undefined;
			if (asked === undefined) faults++;
			else rateLimited++;
			const wait = this.retryWait(outcome, faults, asked, rateLimited);
			firstFailureAt ??= Date.now();
			const spent = Date.now() - firstFailureAt;
			if (wait === undefined || faults >= this.options.maxAttempts || spent + wait > this.options.retryBudgetMs) {
				throw this.toNodeError(failure, itemIndex, request);
			}
			mayHaveActed = mayHaveActed || outcome.mayHaveActed;
			await sleepUnlessCancelled(wait, this.cancelSignal);
		}
	}

	/** Builds the item error for a failure the caller decided not to accept. */
	toNodeError(failure: ProviderRequestFailure, itemIndex: number, request?: { context?: ItemErrorContext }, advice?: string): NodeApiError {
		const { displayName, provider } = this.profile;
		const where = failure.status !== undefined ? `HTTP ${failure.status}` : 'no response';
		const code = failure.code !== undefined ? `, code ${failure.code}` : '';
		const retries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
		const hint = failure.status !== undefined ? this.profile.hints?.[failure.status] : undefined;
		const descriptionParts = [
			`${displayName} answered ${where}${code}${retries}.`,
			advice ?? hint,
			failure.requestId ? `Request ID for ${displayName} support: ${failure.requestId}.` : undefined,
		];
		const errorBody: ItemErrorContext & { message: string } = {
			...request?.context,
			provider,
			httpStatus: failure.status ?? null,
			code: failure.code ?? null,
			message: failure.message,
			requestId: failure.requestId ?? null,
			attempts: failure.attempts,
		};
		const error = new NodeApiError(this.ctx.getNode(), errorBody as unknown as JsonObject, {
			message: `${displayName}: ${failure.message}`,
			description: descriptionParts.filter(Boolean).join(' '),
			httpCode: failure.status !== undefined ? String(failure.status) : undefined,
			itemIndex,
		});
		error.context = { ...error.context, ...errorBody, itemIndex };
		return error;
	}

	/** The error for an item the stop reached before its request was answered. */
	stopped(itemIndex: number): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), 'The execution was stopped', {
			itemIndex,
			description: 'No further requests were sent after the stop. A request already on its way may have been carried out.',
		});
	}

	private setupError(error: Error, itemIndex: number): NodeOperationError {
		const message = error.message.startsWith(this.profile.displayName) ? error.message : `${this.profile.displayName}: ${error.message}`;
		return new NodeOperationError(this.ctx.getNode(), message, {
			itemIndex,
			description: 'The credential could not authenticate, so no request was sent for this item.',
		});
	}

	/** A failure record for a response the caller inspected (for example an accepted 404). */
	failureFrom(response: ApiResponse): ProviderRequestFailure {
		const details = this.profile.parseError(response.status, response.body);
		return new ProviderRequestFailure(response.status, details.code, details.message, response.requestId, response.attempts);
	}

	private describe(outcome: RawOutcome, attempts: number, clientRequestId?: string): ProviderRequestFailure {
		const requestId = this.profile.requestIdFrom(outcome.headers, outcome.body) ?? clientRequestId;
		if (outcome.networkError !== undefined) {
			return new ProviderRequestFailure(
				outcome.status,
				outcome.networkError,
				outcome.status !== undefined
					? `The answer could not be read (${outcome.networkError})`
					: `Could not reach ${this.profile.displayName} (${outcome.networkError})`,
				requestId,
				attempts,
			);
		}
		const status = outcome.status as number;
		const details = this.profile.parseError(status, outcome.body);
		return new ProviderRequestFailure(status, details.code, details.message, requestId, attempts);
	}

	/**
	 * How long to wait before the next attempt, or undefined when the failure is not transient. A 429 waits
	 * what the provider asked (`asked`), at least a floor that grows to one second if it keeps asking for
	 * less; other faults back off exponentially by their count.
	 */
	private retryWait(outcome: RawOutcome, faults: number, asked: number | undefined, rateLimited: number): number | undefined {
		if (outcome.networkError === undefined && !RETRYABLE_STATUSES.has(outcome.status as number)) {
			return undefined;
		}
		if (asked !== undefined) return Math.max(asked, Math.min(1000, 100 * 2 ** (rateLimited - 1))) + Math.random() * 250;
		const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (faults - 1));
		return ceiling / 2 + Math.random() * (ceiling / 2);
	}

	/**
	 * A 401 with an expiring token: exactly one request refreshes it; the others wait for it and resend.
	 * The refreshing request is the only one sent with status errors not ignored: n8n's helper then meets
	 * the 401, calls the credential's preAuthentication with "expired" set, writes the new token into the
	 * shared credential object and sends the request once more (n8n-core 1.122.48 and 2.41.1 alike).
	 */
	private async afterTokenRefresh(request: ApiRequest, sentAt: number): Promise<RawOutcome> {
		if (this.tokenRefresh) {
			await this.tokenRefresh;
			return await this.send(request);
		}
		if (sentAt < this.tokenRefreshedAt) return await this.send(request);
		const refresh = this.send(request, { refreshTokenOn401: true });
		this.tokenRefresh = refresh;
		try {
			return await refresh;
		} finally {
			this.tokenRefresh = undefined;
			this.tokenRefreshedAt = Date.now();
		}
	}

	/**
	 * One attempt through n8n's authenticated helper. Every HTTP answer comes back as an answer
	 * (`returnFullResponse` + `ignoreHttpStatusErrors`), with its status, headers and body, so this class
	 * classifies it the same way on every n8n; only network faults and credential failures are thrown.
	 * Read in n8n-core 1.122.48 (n8n 1.123.x) and 2.41.1: both turn `ignoreHttpStatusErrors: true` into
	 * axios `validateStatus: () => true` and return `{ statusCode, headers, body }`. What they throw
	 * differs (see interpretThrown), which is why nothing here relies on an HTTP status being thrown,
	 * except the single token-refreshing request (see afterTokenRefresh).
	 */
	private async send(request: ApiRequest, { refreshTokenOn401 = false } = {}): Promise<RawOutcome> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			body: request.body,
			headers: { Accept: 'application/json', ...request.headers },
			json: true,
			returnFullResponse: true,
			timeout: this.options.timeoutMs,
			ignoreHttpStatusErrors: !refreshTokenOn401,
		};
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.profile.credentialType,
				options,
				await this.decryptedCredential(),
			)) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
			return this.interpret(response.statusCode, response.headers, response.body);
		} catch (error) {
			return this.interpretThrown(error);
		}
	}

	private decryptedCredential(): Promise<IAdditionalCredentialOptions> {
		const type = this.profile.credentialType;
		this.credential ??= this.ctx.getCredentials(type).then((data) => {
			const reference = this.ctx.getNode().credentials?.[type];
			return { credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? type, type, data } };
		});
		return this.credential;
	}

	private interpret(status: number, rawHeaders: Record<string, unknown>, body: unknown): RawOutcome {
		const headers = normalizeHeaders(rawHeaders);
		const malformed = typeof body === 'string' && body.trim() !== '' && !isJson(body);
		if (malformed && status < 300) {
			// A 2xx whose body is not the JSON the API promises: the provider may well have acted.
			return { status, headers, networkError: 'MALFORMED_RESPONSE', mayHaveActed: true };
		}
		const parsed = typeof body === 'string' && isJson(body) ? (JSON.parse(body) as unknown) : body;
		return { status, body: parsed, headers, mayHaveActed: status >= 500 };
	}

	/**
	 * What n8n's helper threw: a network fault, a credential that could not authenticate, or (only for
	 * the token-refreshing request) an HTTP answer other than 2xx. The helper wraps every one of them in
	 * a NodeApiError, whose shape differs by version:
	 * - n8n-workflow 2.41.0 (n8n 2.41.1): `cause` is the axios error, with `response` (status, headers,
	 *   body) or `code` (ECONNRESET, ...).
	 * - n8n-workflow 1.120.x (n8n 1.123.x): `cause` is lost (a class field resets it to undefined). What
	 *   is left is `httpCode`: the HTTP status for an answer, or the axios error code for a network fault
	 *   (found under `code`), and for an answer with a JSON object body that body in `context.data`.
	 *   Headers are gone, so a 429 here is retried on backoff instead of its Retry-After.
	 */
	private interpretThrown(error: unknown): RawOutcome {
		const response = findAxiosResponse(error);
		if (response) return this.interpret(response.status, response.headers ?? {}, response.data);
		const answered = findWrappedAnswer(error);
		if (answered) return this.interpret(answered.status, {}, answered.body);
		const code = findErrorCode(error);
		if (code === 'MALFORMED_RESPONSE' || error instanceof SyntaxError) {
			return { headers: {}, networkError: 'MALFORMED_RESPONSE', mayHaveActed: true, status: 200 };
		}
		if (code !== undefined && NETWORK_ERROR_CODES.has(code)) {
			return { headers: {}, networkError: code, mayHaveActed: code !== 'ECONNREFUSED' };
		}
		// Anything else (a credential that cannot fetch its token, an aborted run) is not a network fault.
		return { headers: {}, setupError: error as Error, mayHaveActed: false };
	}
}

interface AxiosLikeResponse {
	status: number;
	headers?: Record<string, unknown>;
	data?: unknown;
}

function findAxiosResponse(error: unknown): AxiosLikeResponse | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const candidate = (current as { response?: AxiosLikeResponse }).response;
		if (candidate && typeof candidate === 'object' && typeof candidate.status === 'number') return candidate;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** An HTTP answer known only from a NodeApiError without its cause (n8n 1.x): `httpCode` and `context.data`. */
function findWrappedAnswer(error: unknown): { status: number; body: unknown } | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const { httpCode, context } = error as { httpCode?: unknown; context?: { data?: unknown } };
	if (typeof httpCode !== 'string' || !/^[1-5]\d\d$/.test(httpCode)) return undefined;
	return { status: Number(httpCode), body: context?.data };
}

function findErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { code, httpCode, message } = current as { code?: unknown; httpCode?: unknown; message?: unknown };
		if (typeof code === 'string' && code !== '') return code;
		// n8n 1.x: a NodeApiError that lost its cause keeps the axios error code as its httpCode.
		if (typeof httpCode === 'string' && NETWORK_ERROR_CODES.has(httpCode)) return httpCode;
		if (typeof message === 'string') {
			if (/socket hang up/i.test(message)) return 'ECONNRESET';
			if (/timeout of \d+ms exceeded/i.test(message)) return 'ETIMEDOUT';
			if (/Unexpected token|JSON/i.test(message) && current instanceof SyntaxError) return 'MALFORMED_RESPONSE';
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function normalizeHeaders(raw: Record<string, unknown>): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(raw ?? {})) {
		if (value === undefined || value === null) continue;
		headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return headers;
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}
