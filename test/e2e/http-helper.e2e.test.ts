/**
 * The transport against the REAL request helper of the n8n under test, loaded from the installed runtime:
 * n8n-core 2.41.1 (n8n 2.41.1, `npm run test:e2e`) or n8n-core 1.122.48 (n8n 1.123.81, `npm run test:compat`).
 * Both were read and checked here: with `returnFullResponse` + `ignoreHttpStatusErrors` both return every
 * HTTP answer; for the one token-refreshing request (status errors not ignored) both throw a NodeApiError,
 * which keeps the axios error as `cause` on 2.41 and loses it on 1.122 (only `httpCode` and `context.data`
 * are left). These tests pin how ProviderClient classifies what each version gives it.
 *
 * What is real: n8n-core's `httpRequestWithAuthentication` and its axios, a loopback HTTP server, and
 * ProviderClient from nodes/shared. What stands in: n8n's credentials helper, reduced to what the helper
 * calls (preAuthentication with n8n's "empty or expired token" rule, and a Bearer header).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { ProviderClient } from '../../nodes/shared/transport';
import type { ProviderProfile, RequestContext } from '../../nodes/shared/types';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureRuntime } = require('../../dev/n8n-runtime');

jest.setTimeout(60_000);

type Helper = (this: unknown, ...args: unknown[]) => Promise<unknown>;
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset' | 'hang' | 'malformed';

const runtime = ensureRuntime() as { n8nDir: string; n8nVersion: string; n8nMajor: number };
const coreDir = path.join(runtime.n8nDir, 'node_modules', 'n8n-core');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const coreVersion: string = require(path.join(coreDir, 'package.json')).version;
const helperModule =
	runtime.n8nMajor >= 2
		? 'dist/execution-engine/node-execution-context/utils/request-helpers/authentication.js'
		: 'dist/execution-engine/node-execution-context/utils/request-helper-functions.js';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realHelper: Helper = require(path.join(coreDir, helperModule)).httpRequestWithAuthentication;

/** Scripted answers per path (then 200 {"ok":true}); token paths want `Bearer <current token>`. */
const script = new Map<string, Answer[]>();
const seen: string[] = [];
let currentToken = 'token-1';
let tokenFetches = 0;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
	server = http.createServer((req, res): void => {
		const url = String(req.url);
		seen.push(url);
		if (url.startsWith('/token/') && req.headers.authorization !== `Bearer ${currentToken}`) {
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end('{"error":{"code":"InvalidAuthenticationToken"}}');
			return;
		}
		const answer = script.get(url)?.shift() ?? { status: 200, body: { ok: true } };
		if (answer === 'reset') {
			req.socket.destroy();
		} else if (answer === 'malformed') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok": tru');
		} else if (answer !== 'hang') {
			res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
			res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	script.clear();
	seen.length = 0;
	currentToken = 'token-1';
	tokenFetches = 0;
});

const profile = (refreshesTokenOn401 = false): ProviderProfile => ({
	provider: 'streamVideo',
	displayName: 'Provider',
	credentialType: 'testApi',
	parseError: (status, body) => ({ code: (body as IDataObject)?.code as string | undefined, message: `HTTP ${status}` }),
	requestIdFrom: (headers) => headers['x-request-id'],
	quotableAnswer: (body) => body,
	refreshesTokenOn401,
});

/** A ProviderClient whose context sends through the runtime's real helper. */
function client({ tokenCredential = false, failToken = false, timeoutMs = 5000 } = {}) {
	const node = { name: 'Subject', type: 'test', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { testApi: { id: '1', name: 'test' } } } as unknown as INode;
	const credential: IDataObject = tokenCredential ? { accessToken: 'token-1' } : {};
	const credentialsHelper = {
		getParentTypes: () => [],
		// n8n's rule: fetch when the expirable field is empty or the helper says it expired.
		async preAuthentication(_helpers: unknown, data: IDataObject, _type: string, _node: INode, expired: boolean) {
			if (!tokenCredential || (data.accessToken !== '' && !expired)) return undefined;
			tokenFetches++;
			if (failToken) throw new Error('The client secret is wrong');
			currentToken = `token-${tokenFetches + 1}`;
			return { accessToken: currentToken };
		},
		async authenticate(data: IDataObject, _type: string, options: IDataObject) {
			return tokenCredential ? { ...options, headers: { ...(options.headers as IDataObject), Authorization: `Bearer ${data.accessToken}` } } : options;
		},
	};
	const helperThis = { getNode: () => node, helpers: {}, logger: { warn() {}, debug() {} }, getCredentials: async () => credential };
	const ctx = {
		getNode: () => node,
		getCredentials: async () => credential,
		helpers: {
			httpRequestWithAuthentication: (type: string, options: unknown, additional: unknown) =>
				realHelper.call(helperThis, type, options, {}, node, { credentialsHelper }, additional),
		},
	} as unknown as RequestContext;
	return new ProviderClient(ctx, profile(tokenCredential), { kind: 'none' }, baseUrl, { concurrency: 10, timeoutMs, maxAttempts: 4, retryBudgetMs: 30_000 });
}

const get = (route: string) => ({ method: 'GET' as const, path: route });
const failureOf = async (promise: Promise<unknown>) => {
	const error = (await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	)) as { context?: IDataObject; message: string; description?: string } | undefined;
	expect(error).toBeDefined();
	return error!;
};

describe(`ProviderClient with the request helper of n8n ${runtime.n8nVersion}`, () => {
	test('the runtime is the n8n-core this n8n ships', () => {
		expect(coreVersion).toMatch(runtime.n8nMajor >= 2 ? /^2\.41\./ : /^1\.122\./);
	});

	test('a 404 comes back as an answer: accepted as not found, or an item error with the provider code, never retried', async () => {
		script.set('/a', [{ status: 404, body: { code: '16' }, headers: { 'x-request-id': 'r1' } }]);
		const accepted = await client().request(get('/a'), 0, [404]);
		expect(accepted).toMatchObject({ status: 404, body: { code: '16' }, requestId: 'r1', attempts: 1 });

		script.set('/b', [{ status: 404, body: { code: '16' } }, { status: 200 }]);
		const error = await failureOf(client().request(get('/b'), 0));
		expect(error.context).toMatchObject({ httpStatus: 404, code: '16', attempts: 1 });
		expect(seen.filter((url) => url === '/b')).toHaveLength(1);
	});

	test('429 waits the Retry-After it carries, then succeeds', async () => {
		script.set('/c', [{ status: 429, headers: { 'retry-after': '1' } }]);
		const started = Date.now();
		const response = await client().request(get('/c'), 0);
		expect(response).toMatchObject({ status: 200, attempts: 2 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	test('503, a reset connection, an answer that never comes and a garbled body are retried', async () => {
		script.set('/d', [{ status: 503 }]);
		script.set('/e', ['reset']);
		script.set('/f', ['hang']);
		script.set('/g', ['malformed']);
		const subject = client({ timeoutMs: 500 });
		const results = await Promise.all(['/d', '/e', '/f', '/g'].map((route) => subject.request(get(route), 0)));
		expect(results.map((result) => [result.status, result.attempts])).toEqual([
			[200, 2],
			[200, 2],
			[200, 2],
			[200, 2],
		]);
		// A 503 is an answer that says nothing was done; the other three lost the answer of a request that may have
		// reached the provider, so a later "not found" would be reported as done.
		expect(results.map((result) => result.retriedAfterLostResponse)).toEqual([false, true, true, true]);
	});

	test('a permanent 400 is one attempt and carries its status and code', async () => {
		script.set('/h', [{ status: 400, body: { code: '4' } }]);
		const error = await failureOf(client().request(get('/h'), 0));
		expect(error.context).toMatchObject({ httpStatus: 400, code: '4', attempts: 1 });
	});

	test('an expired token: eight items meet the 401, ONE refresh, all succeed with the new token', async () => {
		const subject = client({ tokenCredential: true });
		expect(await subject.request(get('/token/warm'), 0)).toMatchObject({ status: 200 });
		currentToken = 'rotated-by-provider';
		const results = await Promise.all(Array.from({ length: 8 }, (_, index) => subject.request(get(`/token/${index}`), index)));
		expect(results.every((result) => result.status === 200)).toBe(true);
		expect(tokenFetches).toBe(1);
	});

	test('the refreshed request meeting a 404 or a reset is still classified: not found is an answer, a reset is retried', async () => {
		const subject = client({ tokenCredential: true });
		currentToken = 'rotated-by-provider';
		// n8n's helper resends after the refresh; that resend meets the scripted answer and is thrown.
		script.set('/token/gone', [{ status: 404, body: { code: 'gone' } }]);
		expect(await subject.request(get('/token/gone'), 0, [404])).toMatchObject({ status: 404, body: { code: 'gone' } });
		currentToken = 'rotated-again';
		script.set('/token/flaky', ['reset']);
		expect(await subject.request(get('/token/flaky'), 0)).toMatchObject({ status: 200, attempts: 2 });
		expect(tokenFetches).toBe(2);
	});

	test('a credential that cannot fetch its token fails every item at once, with one attempt', async () => {
		const subject = client({ tokenCredential: true, failToken: true });
		currentToken = 'rotated-by-provider';
		const first = await failureOf(subject.request(get('/token/x'), 0));
		expect(first.message).toMatch(/client secret is wrong/);
		expect(first.description).toMatch(/could not authenticate/);
		const second = await failureOf(subject.request(get('/token/y'), 1));
		expect(second.message).toMatch(/client secret is wrong/);
		expect(tokenFetches).toBe(1);
	});
});
