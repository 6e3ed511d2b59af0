/**
 * The Test button of every credential, as `credentialTest` methods the nodes name with `testedBy`. A declarative
 * test request can neither refuse an insecure URL nor fail on an unexpected answer (its rules only name answers
 * that fail), so each test here: checks every URL the secret goes to (https or loopback, no user:pass, no ? or #),
 * never follows a redirect, passes only on the answers that prove the credential, and changes nothing at the
 * provider. Results never quote a URL or an error text that could hold a secret.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { streamServerToken } from './jwt';
import { graphEndpoints, networkCodeOf, requestGraphToken, tenantIdProblem, type TokenAnswer } from './microsoftCloud';
import { secureUrlProblem, trimmedUrl } from './secureUrl';

/** A credential test's request gets this long; it sends one or two requests. */
const TEST_TIMEOUT_MS = 15_000;

type CredentialTest = (this: ICredentialTestFunctions, credential: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>;

interface TestAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

const ok = (message: string): INodeCredentialTestResult => ({ status: 'OK', message });
const error = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/**
 * The one place a credential test sends from. A credential test's context offers only the legacy `helpers.request`
 * (n8n-workflow 1.123 and 2.41: ICredentialTestFunctions has no httpRequest); `followRedirect: false` and
 * `followAllRedirects: false` make it send with axios maxRedirects 0, `simple: false` returns every status.
 */
async function rawRequest(
	ctx: ICredentialTestFunctions,
	options: { method: string; url: string; headers?: IDataObject; qs?: IDataObject; body?: unknown; json: boolean; timeout: number },
): Promise<{ statusCode: number; headers?: Record<string, unknown>; body: unknown }> {
	const { helpers } = ctx;
	return (await helpers.request({
		method: options.method,
		uri: options.url,
		qs: options.qs,
		headers: options.headers,
		body: options.body,
		json: options.json,
		simple: false,
		resolveWithFullResponse: true,
		followRedirect: false,
		followAllRedirects: false,
		timeout: options.timeout,
	})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
}

/** Sends one request without following redirects; every status comes back as an answer. Throws only on no answer. */
async function send(
	ctx: ICredentialTestFunctions,
	options: { method: string; url: string; headers?: IDataObject; qs?: IDataObject; body?: unknown },
): Promise<TestAnswer> {
	const answer = await rawRequest(ctx, { ...options, json: true, timeout: TEST_TIMEOUT_MS });
	return { statusCode: answer.statusCode, headers: answer.headers ?? {}, body: parse(answer.body) };
}

function parse(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

/** "could not reach" with the fault's code only: an error's text may quote the URL (the webhook token is in it). */
function unreachable(provider: string, thrown: unknown): INodeCredentialTestResult {
	return error(`Could not reach ${provider} (${networkCodeOf(thrown) ?? 'no answer'}). Check the base URL and the network.`);
}

function redirected(provider: string, answer: TestAnswer, url: string): INodeCredentialTestResult | undefined {
	if (answer.statusCode < 300 || answer.statusCode >= 400) return undefined;
	const location = answer.headers.location ?? answer.headers.Location;
	let origin = 'an unnamed address';
	try {
		if (location) origin = ((u) => `${u.protocol}//${u.host}`)(new URL(String(location), url));
	} catch {
		origin = 'an unreadable address';
	}
	return error(
		`${provider} answered with an unexpected redirect to ${origin}. Credentials are never sent on to another address; put the right address in the credential.`,
	);
}

function errorCode(body: unknown): string | undefined {
	const envelope = (body ?? {}) as IDataObject;
	const inner = envelope.error as IDataObject | undefined;
	if (inner && typeof inner === 'object' && inner.code !== undefined) return String(inner.code);
	return envelope.code !== undefined ? String(envelope.code) : undefined;
}

function unexpected(provider: string, answer: TestAnswer): INodeCredentialTestResult {
	const code = errorCode(answer.body);
	return error(
		`${provider} gave an unexpected answer (HTTP ${answer.statusCode}${code ? `, code ${code}` : ''}), so the credential could not be confirmed. Check the base URL.`,
	);
}

function checkUrl(value: unknown, label: string): INodeCredentialTestResult | string {
	const problem = secureUrlProblem(value, label);
	return problem ? error(`${problem.message}. ${problem.description ?? ''}`.trim()) : trimmedUrl(value as string);
}

/** Stream: Query Calls with limit 1 (a read). A 201/200 with a `calls` list proves the key and the secret. */
const streamVideoApiTest: CredentialTest = async function (credential) {
	const data = credential.data ?? {};
	const base = checkUrl(data.baseUrl, 'Stream Video base URL');
	if (typeof base !== 'string') return base;
	const url = `${base}/api/v2/video/calls`;
	let answer: TestAnswer;
	try {
		answer = await send(this, {
			method: 'POST',
			url,
			qs: { api_key: String(data.apiKey ?? '') },
			headers: { Authorization: streamServerToken(String(data.apiSecret ?? '')), 'stream-auth-type': 'jwt' },
			body: { limit: 1 },
		});
	} catch (thrown) {
		return unreachable('Stream Video', thrown);
	}
	const redirect = redirected('Stream Video', answer, url);
	if (redirect) return redirect;
	if ((answer.statusCode === 200 || answer.statusCode === 201) && Array.isArray((answer.body as IDataObject | undefined)?.calls)) {
		return ok('Stream Video accepted the API key and secret.');
	}
	if (answer.statusCode === 401 || answer.statusCode === 403) {
		return error(
			`Stream Video refused the credential (HTTP ${answer.statusCode}, code ${errorCode(answer.body) ?? 'none'}). Check the API key and secret.`,
		);
	}
	return unexpected('Stream Video', answer);
};

/** HuskyVoice key: looks up a call that cannot exist (a read). Only HuskyVoice's own 404 NOT_FOUND proves the key. */
const huskyVoiceApiTest: CredentialTest = async function (credential) {
	const data = credential.data ?? {};
	const base = checkUrl(data.baseUrl, 'HuskyVoice base URL');
	if (typeof base !== 'string') return base;
	const key = String(data.apiKey ?? '');
	const mode = String(data.authHeader ?? 'xApiKey');
	const headers: IDataObject = {};
	if (mode === 'xApiKey' || mode === 'both') headers['x-api-key'] = key;
	if (mode === 'bearer' || mode === 'both') headers.Authorization = `Bearer ${key}`;
	const url = `${base}/calls/n8n-credential-test`;
	let answer: TestAnswer;
	try {
		answer = await send(this, { method: 'GET', url, headers });
	} catch (thrown) {
		return unreachable('HuskyVoice', thrown);
	}
	const redirect = redirected('HuskyVoice', answer, url);
	if (redirect) return redirect;
	const code = errorCode(answer.body);
	if (answer.statusCode === 404 && code === 'NOT_FOUND') return ok('HuskyVoice accepted the API key.');
	if (answer.statusCode === 403 && code === 'FORBIDDEN') {
		return ok(
			'HuskyVoice accepted the API key; it lacks the calls:read scope, so Get will fail. Delete needs calls:delete, which no test can check without deleting.',
		);
	}
	if (answer.statusCode === 401) return error('HuskyVoice refused the API key. Check the key, and try the other "Send Key As" choice.');
	return unexpected('HuskyVoice', answer);
};

/** A webhook token is one URL path segment of letters, digits and `_-.~`. */
const WEBHOOK_TOKEN = /^[A-Za-z0-9._~-]{8,256}$/;

/**
 * HuskyVoice's inbound webhook accepts only `call.delete`: there is no action that changes nothing, so the token
 * is checked for its shape and the base URL for the https rule, and nothing is sent.
 */
const huskyVoiceWebhookApiTest: CredentialTest = async function (credential) {
	const data = credential.data ?? {};
	const base = checkUrl(data.baseUrl, 'HuskyVoice base URL');
	if (typeof base !== 'string') return base;
	const token = String(data.webhookToken ?? '').trim();
	if (!WEBHOOK_TOKEN.test(token)) {
		return error(
			'The webhook token does not look like one: copy the last part of the inbound webhook URL (…/v1/hooks/<token>), letters, digits, _ and - only.',
		);
	}
	return ok(
		'The token and base URL are well-formed. HuskyVoice cannot check the token without acting (its webhook only deletes), so nothing was sent: the first delete will tell.',
	);
};

/**
 * Microsoft Graph: fetches a token from the credential's authority (the secret goes only there, over https, never
 * through a redirect), then looks up a call that cannot exist (a read). Only Graph's "call not found" proves both.
 */
const microsoftGraphCallsApiTest: CredentialTest = async function (credential) {
	const data = (credential.data ?? {}) as ICredentialDataDecryptedObject;
	const tenantProblem = tenantIdProblem(String(data.tenantId ?? '').trim());
	if (tenantProblem) return error(tenantProblem);
	const { authorityUrl, graphUrl } = graphEndpoints(data);
	const authority = checkUrl(authorityUrl, 'Microsoft authority URL');
	if (typeof authority !== 'string') return authority;
	const graph = checkUrl(graphUrl, 'Microsoft Graph URL');
	if (typeof graph !== 'string') return graph;
	let token: string;
	try {
		token = await requestGraphToken(data, async (request): Promise<TokenAnswer> => {
			try {
				return await rawRequest(this, {
					method: 'POST',
					url: request.url,
					headers: request.headers,
					body: request.body,
					json: false,
					timeout: request.timeout,
				});
			} catch (thrown) {
				// The helper's error holds the request, client secret included: only its code goes on.
				throw Object.assign(new Error('no answer'), { code: networkCodeOf(thrown) });
			}
		});
	} catch (thrown) {
		return error((thrown as Error).message);
	}
	const url = `${graph}/v1.0/communications/calls/00000000-0000-0000-0000-000000000000`;
	let answer: TestAnswer;
	try {
		answer = await send(this, { method: 'GET', url, headers: { Authorization: `Bearer ${token}` } });
	} catch (thrown) {
		return unreachable('Microsoft Graph', thrown);
	}
	const redirect = redirected('Microsoft Graph', answer, url);
	if (redirect) return redirect;
	const code = errorCode(answer.body);
	if (answer.statusCode === 404 && (code === '8522' || code === '9997')) return ok('Microsoft issued a token and Graph accepted it.');
	if (answer.statusCode === 401) return error('Microsoft Graph refused the token. Check the tenant, the app registration and the cloud.');
	if (answer.statusCode === 403) return error('The app lacks permission. Grant Calls.Initiate.All (application) with admin consent.');
	return unexpected('Microsoft Graph', answer);
};

/** For every node's `methods.credentialTest`; each credential's `testedBy` names its entry. */
export const credentialTests = {
	streamVideoApiTest,
	huskyVoiceApiTest,
	huskyVoiceWebhookApiTest,
	microsoftGraphCallsApiTest,
};
