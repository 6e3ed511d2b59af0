/**
 * Token authority, Graph host and tenant rules for Microsoft's clouds, shared by the credential (token, test)
 * and the Microsoft Graph Calls node.
 */
import { secureUrlProblem, trimmedUrl } from './secureUrl';

/** Token authority and Graph host per Microsoft cloud; tokens do not cross clouds. */
export const GRAPH_CLOUDS: Record<string, { authorityUrl: string; graphUrl: string }> = {
	global: { authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' },
	usGovL4: { authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us' },
	usGovL5Dod: { authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us' },
};

export interface GraphEndpoints {
	authorityUrl: string;
	graphUrl: string;
	/** The app-only scope: `<graph host>/.default`, or, for a custom cloud, the credential's Scope when set. */
	scope: string;
}

const trimSlashes = (url: unknown) =>
	String(url ?? '')
		.trim()
		.replace(/\/+$/, '');

export function graphEndpoints(credentials: Record<string, unknown>): GraphEndpoints {
	const cloud = String(credentials.cloud ?? 'global');
	const known = GRAPH_CLOUDS[cloud];
	const authorityUrl = known ? known.authorityUrl : trimSlashes(credentials.authorityUrl);
	const graphUrl = known ? known.graphUrl : trimSlashes(credentials.graphUrl);
	// Entra accepts only a resource it knows: a proxy's URL is none, so a custom cloud may name the scope itself.
	const customScope = known ? '' : String(credentials.scope ?? '').trim();
	return { authorityUrl, graphUrl, scope: customScope || `${graphUrl}/.default` };
}

/** A directory (tenant) id is a GUID or a verified domain such as contoso.onmicrosoft.com. */
export const TENANT_ID_PATTERN =
	/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

/** Why a tenant ID cannot be used, or undefined when it can. */
export function tenantIdProblem(tenantId: string): string | undefined {
	return TENANT_ID_PATTERN.test(tenantId)
		? undefined
		: `Tenant ID "${tenantId}" is not valid: use the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com`;
}

/** Plain-language meanings of the Entra ID (AADSTS) errors users meet with client credentials. */
const AADSTS_MEANINGS: Array<[RegExp, string]> = [
	[/AADSTS7000215/, 'The client secret is wrong. Use the secret VALUE from Certificates & secrets, not its ID.'],
	[/AADSTS7000222/, 'The client secret has expired. Create a new one under Certificates & secrets.'],
	[/AADSTS700016/, 'No application with this Client ID exists in the tenant. Check the Application (client) ID.'],
	[/AADSTS90002|AADSTS900023/, 'The tenant was not found. Check the Directory (tenant) ID.'],
	[
		/AADSTS65001|AADSTS7000229|consent/i,
		'The application lacks admin consent. Grant admin consent for Calls.Initiate.All under API permissions.',
	],
	[/AADSTS1002012|AADSTS70011/, 'The requested scope is not valid for this cloud. Check the Cloud setting.'],
];

export function explainTokenError(body: Record<string, unknown>, status: number): string {
	const description = String(body.error_description ?? body.error ?? `HTTP ${status}`);
	const firstLine = description.split(/\r?\n/)[0];
	const meaning = AADSTS_MEANINGS.find(([pattern]) => pattern.test(description))?.[1];
	return meaning ? `${meaning} (${firstLine})` : `Could not get a Microsoft Graph token: ${firstLine}`;
}

/**
 * The token service's failures that a later attempt may not meet: a 5xx or 429 answer, or no answer at all. The
 * node's transport retries these as network faults. They are told apart by their message, the one part of an
 * error n8n's helper keeps on every version (n8n 1.x drops the error's other fields).
 */
const TOKEN_SERVICE = "Microsoft's token service";
const TRANSIENT_TOKEN_FAILURE = /^Microsoft's token service (?:is unavailable \(HTTP (\d{3})\)|could not be reached \(([A-Z0-9_]+)\))/;

export function tokenServiceUnavailable(status: number): Error {
	return new Error(`${TOKEN_SERVICE} is unavailable (HTTP ${status}); try again later`);
}

export function tokenServiceUnreachable(code: string): Error {
	return new Error(`${TOKEN_SERVICE} could not be reached (${code})`);
}

export function tokenServiceRedirected(origin: string): Error {
	return new Error(`${TOKEN_SERVICE}: unexpected redirect to ${origin}; the client secret was not sent there`);
}

/** For a token failure worth another attempt, a code to retry it by (`TOKEN_HTTP_503`, `ENOTFOUND`, …). */
export function transientTokenFailure(message: string): { code: string } | undefined {
	const match = TRANSIENT_TOKEN_FAILURE.exec(message);
	if (!match) return undefined;
	return { code: match[1] !== undefined ? `TOKEN_HTTP_${match[1]}` : match[2] };
}

/** The error code of a failed request that got no answer (ENOTFOUND, ECONNRESET, CERT_HAS_EXPIRED, …). */
export function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { code, message } = current as { code?: unknown; message?: unknown };
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && code !== 'ERR_BAD_REQUEST' && code !== 'ERR_BAD_RESPONSE')
			return code;
		if (typeof message === 'string' && /timeout of \d+ms exceeded/i.test(message)) return 'ETIMEDOUT';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** The token request's own timeout (n8n's Stop does not reach a credential's request). */
export const TOKEN_TIMEOUT_MS = 15_000;

export interface TokenRequest {
	url: string;
	headers: Record<string, string>;
	body: string;
	timeout: number;
}

/** The token service's answer, whatever its status; `send` throws only when no answer came. */
export interface TokenAnswer {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/**
 * Fetches an app-only token (client credentials). The client secret goes only to an https (or loopback) authority
 * and never through a redirect (`send` must not follow one: a 307/308 would post the secret again elsewhere).
 * A 5xx, 429 or no answer throws a transient token-service error; anything else but a token throws what Entra said.
 */
export async function requestGraphToken(
	credentials: Record<string, unknown>,
	send: (request: TokenRequest) => Promise<TokenAnswer>,
): Promise<string> {
	const tenantId = String(credentials.tenantId ?? '').trim();
	const problem = tenantIdProblem(tenantId);
	if (problem) throw new Error(problem);
	const { authorityUrl, scope } = graphEndpoints(credentials);
	const insecure = secureUrlProblem(authorityUrl, 'Microsoft authority URL');
	if (insecure) throw new Error(`${insecure.message}. ${insecure.description ?? ''}`.trim());
	const url = `${trimmedUrl(authorityUrl)}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
	let answer: TokenAnswer;
	try {
		answer = await send({
			url,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				client_id: String(credentials.clientId ?? '').trim(),
				client_secret: String(credentials.clientSecret ?? ''),
				scope,
				grant_type: 'client_credentials',
			}).toString(),
			timeout: TOKEN_TIMEOUT_MS,
		});
	} catch (error) {
		// Never rethrow the helper's error: it holds the request, client_secret included.
		throw tokenServiceUnreachable(networkCodeOf(error) ?? 'NO_RESPONSE');
	}
	const status = answer.statusCode;
	if (status >= 300 && status < 400) throw tokenServiceRedirected(originOf(answer.headers?.location ?? answer.headers?.Location, url));
	if (status === 429 || status >= 500) throw tokenServiceUnavailable(status);
	const body = parseTokenBody(answer.body);
	if (status !== 200 || typeof body.access_token !== 'string') throw new Error(explainTokenError(body, status));
	return body.access_token;
}

/** Scheme, host and port of a redirect's target: the rest may carry tokens. */
function originOf(location: unknown, base: string): string {
	if (location === undefined || location === null || location === '') return 'an unnamed address';
	try {
		const url = new URL(String(location), base);
		return `${url.protocol}//${url.host}`;
	} catch {
		return 'an unreadable address';
	}
}

function parseTokenBody(body: unknown): Record<string, unknown> {
	if (body && typeof body === 'object') return body as Record<string, unknown>;
	try {
		return JSON.parse(String(body)) as Record<string, unknown>;
	} catch {
		return { error_description: String(body).slice(0, 200) };
	}
}
