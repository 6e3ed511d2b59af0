import { randomUUID } from 'node:crypto';

import type { IAdditionalCredentialOptions, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, sleepUnlessCancelled, untilCancelled } from './cancellation';
import { DEFAULT_CONCURRENCY } from './runner';
import { failureOf, providerError, ProviderRequestFailure } from './errors';
import { classifyAnswer, classifyThrown, type RawOutcome } from './outcome';
import { createPacer, type Pacer, TurnTooLate } from './pacing';
import { decideRetry, RETRY_POLICY } from './retry';
import type { ApiRequest, ApiResponse, ItemErrorContext, PacingPolicy, ProviderProfile, RequestContext, TransportOptions } from './types';

export { isTransientFailure, ProviderRequestFailure } from './errors';

/**
 * A request may always wait one rate-limit window (Stream's and HuskyVoice's are a minute) for its turn, even with no
 * retry budget (the trigger retries nothing): the pacer's own spacing is never longer.
 */
const ONE_WINDOW_MS = 60_000;

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
	concurrency: DEFAULT_CONCURRENCY,
	timeoutMs: RETRY_POLICY.timeoutMs,
	maxAttempts: RETRY_POLICY.maxAttempts,
	retryBudgetMs: RETRY_POLICY.retryBudgetMs,
};

/**
 * The one transport for all providers. It sends through n8n's authenticated HTTP helper (so the
 * credential's own authentication runs, including token refresh on 401), paces to the provider's
 * limits, retries what is transient, and maps failures to NodeApiError with the provider's code.
 */
export class ProviderClient {
	private readonly pacer: Pacer;
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
	/** Set when the credential's settings forbid any request (an insecure base URL): every item fails with it. */
	private refusal?: { message: string; description?: string };
	/** A trigger poll's end (n8n 2.x bounds a poll by getPollBudgetMs()): no wait goes past it. */
	private readonly pollEndsAt?: number;

	constructor(
		private readonly ctx: RequestContext,
		readonly profile: ProviderProfile,
		pacing: PacingPolicy,
		/** The provider's base URL from the credential; every request's path goes under it. */
		private readonly baseUrl: string,
		readonly options: TransportOptions = DEFAULT_TRANSPORT_OPTIONS,
	) {
		this.pacer = createPacer(pacing);
		this.cancelSignal = cancelSignalOf(ctx);
		// n8n 1.x has no poll budget; there the retry budget alone bounds a poll's waits.
		if ('getPollBudgetMs' in ctx && typeof ctx.getPollBudgetMs === 'function') this.pollEndsAt = Date.now() + ctx.getPollBudgetMs();
	}

	/**
	 * Sends a request, retrying 429, 5xx and network faults. Resolves with 2xx answers and with any
	 * status listed in `acceptStatuses` (for example 404, which callers turn into "not found"); any
	 * other answer throws a NodeApiError for the item.
	 */
	async request(request: ApiRequest, itemIndex: number, acceptStatuses: number[] = []): Promise<ApiResponse> {
		if (this.refusal) {
			const refused = new NodeOperationError(this.ctx.getNode(), this.refusal.message, {
				itemIndex,
				description: this.refusal.description,
			});
			refused.context = { ...refused.context, ...request.context, provider: this.profile.provider, code: 'CREDENTIAL_SETTINGS', itemIndex };
			throw refused;
		}
		if (this.setupFailure) throw this.setupError(this.setupFailure, itemIndex, request.context);
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
			// acquire gives no turn once the execution is stopped, and fails at once a turn later than this request may wait.
			let ticket: unknown;
			try {
				ticket = await this.pacer.acquire(key, this.cancelSignal, {
					maxWaitMs: Math.max(this.options.retryBudgetMs, ONE_WINDOW_MS),
					notAfter: this.pollEndsAt,
				});
			} catch (error) {
				if (error instanceof TurnTooLate) throw this.tooLate(error.until, error.askedByProvider, itemIndex, request);
				throw new NodeOperationError(this.ctx.getNode(), error as Error, { itemIndex });
			}
			if (ticket === undefined) throw this.stopped(itemIndex);
			const sentAt = Date.now();
			let outcome = await this.send(request);
			// n8n aborts requests in flight when the execution is stopped: that is not a fault of the provider or the credential.
			if (this.cancelSignal?.aborted) {
				this.pacer.settle(ticket);
				throw this.stopped(itemIndex);
			}
			if (outcome.status === 401 && this.profile.refreshesTokenOn401 && !reauthenticated) {
				reauthenticated = true;
				outcome = await this.afterTokenRefresh(request, sentAt);
				// The token service failed for now (5xx, 429, no answer): the retry may refresh again.
				if (outcome.failureMessage !== undefined) reauthenticated = false;
			}
			// A 429 with Retry-After or X-RateLimit-Reset asks for a wait: the pacer works it out once, for every worker.
			const asked = this.pacer.settle(
				ticket,
				outcome.status === undefined ? undefined : { status: outcome.status, headers: outcome.headers },
			);
			if (outcome.setupError) {
				this.setupFailure = outcome.setupError;
				throw this.setupError(outcome.setupError, itemIndex, request.context);
			}
			// A redirect is never followed with credentials, and not retried: the item fails, naming only the origin.
			if (outcome.redirectOrigin !== undefined) {
				throw this.toNodeError(
					failureOf(this.profile, outcome, attempt, clientRequestId),
					itemIndex,
					request,
					`Credentials are never sent on to another address. If ${this.profile.displayName} moved, put its new address in the credential.`,
				);
			}

			const succeeded =
				outcome.status !== undefined &&
				outcome.networkError === undefined &&
				((outcome.status >= 200 && outcome.status < 300) || acceptStatuses.includes(outcome.status));
			if (succeeded) {
				return {
					provider: this.profile.provider,
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

			const failure = failureOf(this.profile, outcome, attempt, clientRequestId);
			// A wait the provider asked for is not a fault: the limit may be shared with other executions.
			// Only the retry time budget ends such waits.
			if (asked === undefined) faults++;
			else rateLimited++;
			firstFailureAt ??= Date.now();
			const limits = {
				maxAttempts: this.options.maxAttempts,
				retryBudgetMs: Math.min(this.options.retryBudgetMs, (this.pollEndsAt ?? Number.POSITIVE_INFINITY) - firstFailureAt),
			};
			const decision = decideRetry(outcome, { faults, rateLimited, spentMs: Date.now() - firstFailureAt }, asked, limits);
			if (!decision.retry && decision.reason === 'retry budget' && asked !== undefined) {
				throw this.toNodeError(failure, itemIndex, request, this.comeBackAdvice(Date.now() + asked, true));
			}
			if (!decision.retry) throw this.toNodeError(failure, itemIndex, request);
			mayHaveActed = mayHaveActed || outcome.mayHaveActed;
			await sleepUnlessCancelled(decision.waitMs, this.cancelSignal);
		}
	}

	/**
	 * Makes every request fail before it is sent, with this reason: for a credential whose settings break the rules
	 * (a base URL that is not https, has a query or fragment). Each item then fails on its own and names its call.
	 */
	refuseEveryRequest(reason: { message: string; description?: string }): this {
		this.refusal = reason;
		return this;
	}

	/** Builds the item error for a failure the caller decided not to accept. */
	toNodeError(failure: ProviderRequestFailure, itemIndex: number, request?: { context?: ItemErrorContext }, advice?: string): NodeApiError {
		return providerError(this.ctx.getNode(), this.profile, failure, itemIndex, request?.context, advice);
	}

	/** What to tell the user when the provider (or the limit) names a time later than the request may wait. */
	private comeBackAdvice(until: number, askedByProvider: boolean): string {
		const who = askedByProvider ? `${this.profile.displayName} asked to come back at` : "The rate limit's next free turn is at";
		const bound =
			this.pollEndsAt !== undefined
				? "this poll's budget"
				: `this request's ${Math.round(this.options.retryBudgetMs / 60_000)}-minute retry budget`;
		return `${who} ${new Date(until).toISOString()}, after ${bound} ends: the item failed at once instead of holding the others. Run it again after that time.`;
	}

	/** The item error for a request whose turn would come later than it may wait; nothing was sent. */
	private tooLate(until: number, askedByProvider: boolean, itemIndex: number, request: ApiRequest): NodeOperationError {
		const error = new NodeOperationError(
			this.ctx.getNode(),
			`${this.profile.displayName}: rate limited until ${new Date(until).toISOString()}`,
			{
				itemIndex,
				description: `No request was sent for this item. ${this.comeBackAdvice(until, askedByProvider)}`,
			},
		);
		error.context = {
			...error.context,
			...request.context,
			provider: this.profile.provider,
			httpStatus: null,
			code: 'RATE_LIMITED',
			itemIndex,
		};
		return error;
	}

	/** The error for an item the stop reached before its request was answered. */
	stopped(itemIndex: number): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), 'The execution was stopped', {
			itemIndex,
			description: 'No further requests were sent after the stop. A request already on its way may have been carried out.',
		});
	}

	/** The item error for a credential that cannot authenticate; it names the item (call ID, …) like any other. */
	private setupError(error: Error, itemIndex: number, context: ItemErrorContext = {}): NodeOperationError {
		const message = error.message.startsWith(this.profile.displayName) ? error.message : `${this.profile.displayName}: ${error.message}`;
		const nodeError = new NodeOperationError(this.ctx.getNode(), message, {
			itemIndex,
			description: 'The credential could not authenticate, so no request was sent for this item.',
		});
		nodeError.context = {
			...nodeError.context,
			...context,
			provider: this.profile.provider,
			httpStatus: null,
			code: 'CREDENTIAL',
			itemIndex,
		};
		return nodeError;
	}

	/** A failure record for a response the caller inspected (for example an accepted 404). */
	failureFrom(response: ApiResponse): ProviderRequestFailure {
		return failureOf(this.profile, response, response.attempts, response.requestId);
	}

	/**
	 * A 401 with an expiring token: exactly one request refreshes it; the others wait for it and resend.
	 * The refreshing request is the only one sent with status errors not ignored: n8n's helper then meets
	 * the 401, calls the credential's preAuthentication with "expired" set, writes the new token into the
	 * shared credential object and sends the request once more (n8n-core 1.122.48 and 2.41.1 alike).
	 */
	private async afterTokenRefresh(request: ApiRequest, sentAt: number): Promise<RawOutcome> {
		if (this.tokenRefresh) {
			const shared = await this.tokenRefresh;
			// The refresh this item waited for got no token: its failure is this item's too (and is retried alike).
			if (shared.failureMessage !== undefined) return { ...shared, headers: {} };
			return await this.send(request);
		}
		if (sentAt < this.tokenRefreshedAt) return await this.send(request);
		const refresh = this.send(request, { refreshTokenOn401: true });
		this.tokenRefresh = refresh;
		try {
			const outcome = await refresh;
			// Only a refresh that got a token makes older 401s stale; a failed one leaves the next 401 to refresh again.
			if (outcome.failureMessage === undefined && outcome.setupError === undefined) this.tokenRefreshedAt = Date.now();
			return outcome;
		} finally {
			this.tokenRefresh = undefined;
		}
	}

	/**
	 * One attempt through n8n's authenticated helper. Every HTTP answer comes back as an answer
	 * (`returnFullResponse` + `ignoreHttpStatusErrors`), with its status, headers and body, so this class
	 * classifies it the same way on every n8n; only network faults and credential failures are thrown.
	 * Read in n8n-core 1.122.48 (n8n 1.123.x) and 2.41.1: both turn `ignoreHttpStatusErrors: true` into
	 * axios `validateStatus: () => true` and return `{ statusCode, headers, body }`. What they throw
	 * differs (see classifyThrown in outcome.ts), which is why nothing here relies on an HTTP status being thrown,
	 * except the single token-refreshing request (see afterTokenRefresh).
	 */
	private async send(request: ApiRequest, { refreshTokenOn401 = false } = {}): Promise<RawOutcome> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${this.baseUrl}${request.path}`,
			qs: request.qs,
			body: request.body,
			headers: { Accept: 'application/json', ...request.headers },
			json: true,
			returnFullResponse: true,
			timeout: this.options.timeoutMs,
			ignoreHttpStatusErrors: !refreshTokenOn401,
			// Credentials go only where the user pointed them: a 3xx comes back as an answer and fails the item.
			// n8n 2.41 (@n8n/backend-network) and 1.123 (n8n-core) both turn this into axios maxRedirects: 0.
			disableFollowRedirect: true,
			maxRedirects: 0,
		};
		let outcome: RawOutcome;
		try {
			const response = (await untilCancelled(
				this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					this.profile.credentialType,
					options,
					await this.decryptedCredential(),
				),
				this.cancelSignal,
			)) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
			outcome = classifyAnswer(response.statusCode, response.headers, response.body, options.url);
		} catch (error) {
			outcome = classifyThrown(error, options.url);
		}
		return outcome;
	}

	private decryptedCredential(): Promise<IAdditionalCredentialOptions> {
		const type = this.profile.credentialType;
		this.credential ??= this.ctx.getCredentials(type).then((data) => {
			const reference = this.ctx.getNode().credentials?.[type];
			return { credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? type, type, data } };
		});
		return this.credential;
	}
}
