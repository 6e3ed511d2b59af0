import { transientTokenFailure } from '../../credentials/microsoftCloud';

// What one attempt came to: an HTTP answer (whatever its status), a network fault, or a failure before
// anything was sent (a credential that cannot authenticate). The transport decides from this what to do.

/** Error codes of faults on the way (nothing, or nothing readable, came back). */
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
	'ENOTFOUND',
]);

/** TLS failures: the certificate or the handshake was refused, so no request was sent. */
const TLS_ERROR_CODE =
	/^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$|HOSTNAME_MISMATCH$)/;

/** Faults that happen before the request leaves (no connection, no name, no TLS): the provider cannot have acted. */
function cannotHaveActed(code: string): boolean {
	return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || isTlsErrorCode(code);
}

export function isTlsErrorCode(code: string): boolean {
	return TLS_ERROR_CODE.test(code);
}

export interface RawOutcome {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	networkError?: string;
	/** Not an HTTP or network failure: the credential could not authenticate, or the run was cancelled. */
	setupError?: Error;
	/** The request may have reached the provider (a timeout, a reset, a garbled answer, a gateway's 502/504). */
	mayHaveActed: boolean;
	/** A 3xx: where it pointed (scheme, host and port only; the rest of a Location may carry tokens). Never followed. */
	redirectOrigin?: string;
	/** What failed, when it was not the provider's API itself (the token service); replaces "Could not reach <provider>". */
	failureMessage?: string;
}

/**
 * Statuses that say the request was not carried out (500, 501, 503: an answer from the service itself), against
 * those of a gateway that lost the upstream's answer (502, 504): only the latter may hide an action.
 */
const LOST_ANSWER_STATUSES = new Set([502, 504]);

/** `requestUrl` resolves a relative Location. */
export function classifyAnswer(status: number, rawHeaders: Record<string, unknown>, body: unknown, requestUrl?: string): RawOutcome {
	const headers = normalizeHeaders(rawHeaders);
	const malformed = typeof body === 'string' && body.trim() !== '' && !isJson(body);
	if (malformed && status < 300) {
		// A 2xx whose body is not the JSON the API promises: the provider may well have acted.
		return { status, headers, networkError: 'MALFORMED_RESPONSE', mayHaveActed: true };
	}
	const parsed = typeof body === 'string' && isJson(body) ? (JSON.parse(body) as unknown) : body;
	if (status >= 300 && status < 400) {
		// The Location is kept out of the outcome: only its origin is ever shown (see transport.send).
		const rest = { ...headers };
		delete rest.location;
		return { status, body: parsed, headers: rest, redirectOrigin: redirectOriginOf(headers.location, requestUrl), mayHaveActed: false };
	}
	return { status, body: parsed, headers, mayHaveActed: LOST_ANSWER_STATUSES.has(status) };
}

/** The origin a redirect names, resolved against `base` when relative; "an unnamed address" when it names none. */
export function redirectOriginOf(location: string | undefined, base?: string): string {
	if (location === undefined || location.trim() === '') return 'an unnamed address';
	try {
		const url = base === undefined ? new URL(location) : new URL(location, base);
		return url.host === '' ? url.protocol : `${url.protocol}//${url.host}`;
	} catch {
		return 'an unreadable address';
	}
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
export function classifyThrown(error: unknown, requestUrl?: string): RawOutcome {
	const token = tokenFailureOf(error);
	if (token) return token;
	const response = findAxiosResponse(error);
	if (response) return classifyAnswer(response.status, response.headers ?? {}, response.data, requestUrl);
	const answered = findWrappedAnswer(error);
	if (answered) return classifyAnswer(answered.status, {}, answered.body);
	const code = findErrorCode(error);
	if (code === 'MALFORMED_RESPONSE' || error instanceof SyntaxError) {
		return { headers: {}, networkError: 'MALFORMED_RESPONSE', mayHaveActed: true, status: 200 };
	}
	if (code !== undefined && (NETWORK_ERROR_CODES.has(code) || isTlsErrorCode(code))) {
		return { headers: {}, networkError: code, mayHaveActed: !cannotHaveActed(code) };
	}
	// Anything else (a credential that cannot fetch its token, an aborted run) is not a network fault.
	return { headers: {}, setupError: error as Error, mayHaveActed: false };
}

/**
 * The credential's token request failed in a way a later attempt may not (the token service answered 5xx or 429,
 * or could not be reached): a network fault of the token service, retried like one. Read from the error the
 * credential throws (TokenServiceError): its fields on n8n 2.x, where the helper keeps it as `cause`; its message
 * on 1.x, where only the message survives. Nothing reached the provider's API, so it cannot have acted.
 */
function tokenFailureOf(error: unknown): RawOutcome | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { message } = current as { message?: unknown };
		const failure = typeof message === 'string' ? transientTokenFailure(message) : undefined;
		if (failure) return { headers: {}, networkError: failure.code, failureMessage: message as string, mayHaveActed: false };
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
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
		if (typeof httpCode === 'string' && (NETWORK_ERROR_CODES.has(httpCode) || isTlsErrorCode(httpCode))) return httpCode;
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
