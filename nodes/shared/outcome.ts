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
]);

export interface RawOutcome {
	status?: number;
	body?: unknown;
	headers: Record<string, string>;
	networkError?: string;
	/** Not an HTTP or network failure: the credential could not authenticate, or the run was cancelled. */
	setupError?: Error;
	/** The request may have reached the provider (a timeout, a reset, a garbled answer). */
	mayHaveActed: boolean;
}

export function classifyAnswer(status: number, rawHeaders: Record<string, unknown>, body: unknown): RawOutcome {
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
export function classifyThrown(error: unknown): RawOutcome {
	const response = findAxiosResponse(error);
	if (response) return classifyAnswer(response.status, response.headers ?? {}, response.data);
	const answered = findWrappedAnswer(error);
	if (answered) return classifyAnswer(answered.status, {}, answered.body);
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
