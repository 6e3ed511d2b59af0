/**
 * Microsoft's official libraries against the Graph emulators: @azure/msal-node's client-credentials flow against the
 * token emulator (dev/emulators/graph.js issueToken), and @microsoft/microsoft-graph-client's call get and delete
 * against the Graph emulator. Then wire parity: the node's token request and call requests (run in-process through
 * dev/harness) agree with the libraries' on method, decoded path, query and body semantics.
 *
 * Two workarounds make the libraries talk to a loopback emulator, and only that (neither changes what is sent):
 * - msal insists on an https authority: the test gives it a made-up https authority with `knownAuthorities`, its
 *   `authorityMetadata` and `cloudDiscoveryMetadata` (so msal makes no discovery requests), and a
 *   `system.networkClient` that sends each request to the emulator instead.
 * - The Graph client's AuthenticationHandler adds `Authorization` only for https Graph hosts: the test's middleware
 *   chain adds the bearer token itself before the client's HTTPMessageHandler.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { IDataObject } from 'n8n-workflow';

import { credentialData, sandbox, startEmulator, type Emulator, type LogEntry } from '../../dev/emulators/client';
import { CredentialStore, runWorkflow } from '../../dev/harness/n8n-inprocess';

jest.setTimeout(60_000);

const FAKE_AUTHORITY_HOST = 'login.emulator.invalid';
const CALL_ID = '5a1f0c00-8a5e-4b34-9f6a-6d8e11b2a3c4';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.graph.seedCalls([{ id: CALL_ID, state: 'established' }, { id: 'b7c8d9e0-1111-4222-8333-944455556666' }] as never);
});

/** An msal confidential client for the sandbox app, its https authority routed to the emulator's token service. */
function msalClient(clientSecret = sandbox.graph.clientSecret): ConfidentialClientApplication {
	const authority = `https://${FAKE_AUTHORITY_HOST}/${sandbox.graph.tenantId}`;
	const toEmulator = (url: string) => url.replace(`https://${FAKE_AUTHORITY_HOST}`, emulator.authorityUrl);
	const send = async (method: 'GET' | 'POST', url: string, options?: { headers?: Record<string, string>; body?: string }) => {
		const response = await fetch(toEmulator(url), { method, headers: options?.headers, body: options?.body });
		const text = await response.text();
		return { status: response.status, headers: Object.fromEntries(response.headers), body: text ? JSON.parse(text) : {} };
	};
	return new ConfidentialClientApplication({
		auth: {
			clientId: sandbox.graph.clientId,
			clientSecret,
			authority,
			knownAuthorities: [FAKE_AUTHORITY_HOST],
			authorityMetadata: JSON.stringify({
				token_endpoint: `${authority}/oauth2/v2.0/token`,
				authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
				end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
				issuer: `https://${FAKE_AUTHORITY_HOST}/${sandbox.graph.tenantId}/v2.0`,
				jwks_uri: `${authority}/discovery/v2.0/keys`,
			}),
			cloudDiscoveryMetadata: JSON.stringify({
				tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
				'api-version': '1.1',
				metadata: [{ preferred_network: FAKE_AUTHORITY_HOST, preferred_cache: FAKE_AUTHORITY_HOST, aliases: [FAKE_AUTHORITY_HOST] }],
			}),
		},
		system: {
			networkClient: {
				sendGetRequestAsync: (url, options) => send('GET', url, options) as never,
				sendPostRequestAsync: (url, options) => send('POST', url, options) as never,
			},
		},
	});
}

/** A Graph client on the emulator: a middleware that adds the bearer token, then the client's own HTTP handler. */
function graphClient(accessToken: string): Client {
	const bearer: Middleware & { next?: Middleware } = {
		async execute(context: Context) {
			const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? {});
			headers.set('Authorization', `Bearer ${accessToken}`);
			context.options = { ...context.options, headers: Object.fromEntries(headers) };
			await bearer.next!.execute(context);
		},
		setNext(next: Middleware) {
			bearer.next = next;
		},
	};
	const http = new HTTPMessageHandler();
	bearer.setNext!(http);
	return Client.initWithMiddleware({ middleware: bearer, baseUrl: emulator.graphUrl, defaultVersion: 'v1.0' });
}

const tokenRequests = () => emulator.log.entries({ provider: 'login' });

describe('msal-node: client credentials against the token emulator', () => {
	test('a token for Graph\'s resource scope, cached by msal for the next call', async () => {
		const msal = msalClient();
		const result = await msal.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
		expect(result?.accessToken).toEqual(expect.any(String));
		expect(result?.tokenType).toBe('Bearer');
		expect(result?.expiresOn?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
		const again = await msal.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
		expect(again?.accessToken).toBe(result?.accessToken);
		expect(tokenRequests()).toHaveLength(1);
		expect(tokenRequests()[0]).toMatchObject({ method: 'POST', path: `/login/${sandbox.graph.tenantId}/oauth2/v2.0/token`, status: 200 });
	});

	test('each national cloud\'s Graph scope is accepted, as Entra accepts it in that cloud', async () => {
		for (const scope of ['https://graph.microsoft.us/.default', 'https://dod-graph.microsoft.us/.default', 'https://microsoftgraph.chinacloudapi.cn/.default']) {
			const result = await msalClient().acquireTokenByClientCredential({ scopes: [scope] });
			expect({ scope, token: typeof result?.accessToken }).toEqual({ scope, token: 'string' });
		}
	});

	test('like Entra, a scope that is no Graph resource (the emulator\'s own URL, a proxy\'s) is refused: invalid_scope, AADSTS1002012', async () => {
		for (const scope of [`${emulator.graphUrl}/.default`, 'https://graph-proxy.example.com/.default']) {
			const error = (await msalClient()
				.acquireTokenByClientCredential({ scopes: [scope] })
				.catch((caught: unknown) => caught)) as { errorCode?: string; errorMessage?: string };
			expect({ scope, errorCode: error.errorCode }).toEqual({ scope, errorCode: 'invalid_scope' });
			expect(error.errorMessage).toContain('AADSTS1002012');
		}
	});

	test('a wrong secret: invalid_client, AADSTS7000215, which msal reports as the server sent it', async () => {
		const error = (await msalClient('not-the-secret')
			.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })
			.catch((caught: unknown) => caught)) as { errorCode?: string; errorMessage?: string };
		expect(error.errorCode).toBe('invalid_client');
		expect(error.errorMessage).toContain('AADSTS7000215');
	});
});

describe('microsoft-graph-client: call get and delete against the Graph emulator', () => {
	test('get answers the call resource; delete answers 204; the call is then gone (404, code 8522)', async () => {
		const token = (await msalClient().acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }))!.accessToken;
		const graph = graphClient(token);
		const call = (await graph.api(`/communications/calls/${CALL_ID}`).get()) as IDataObject;
		// The fields resources/call.md lists for a call, which the node reads (id, state) among them.
		for (const field of ['id', 'state', 'direction', 'callbackUri', 'source', 'targets', 'requestedModalities', 'mediaConfig', 'myParticipantId', 'callChainId']) {
			expect({ field, present: field in call }).toEqual({ field, present: true });
		}
		expect(call).toMatchObject({ id: CALL_ID, state: 'established', '@odata.type': '#microsoft.graph.call' });
		await expect(graph.api(`/communications/calls/${CALL_ID}`).delete()).resolves.toBeFalsy();
		expect(emulator.log.entries({ provider: 'graph', method: 'DELETE' }).at(-1)?.status).toBe(204);
		const gone = (await graph
			.api(`/communications/calls/${CALL_ID}`)
			.get()
			.catch((caught: unknown) => caught)) as { statusCode?: number; code?: string; requestId?: string; date?: Date };
		expect(gone).toMatchObject({ statusCode: 404, code: '8522' });
		// The Graph client reads request-id and date from the error's innerError: both there.
		expect(gone.requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(gone.date).toBeInstanceOf(Date);
	});

	test('a token the emulator never issued: 401 InvalidAuthenticationToken, as the client reads it', async () => {
		const error = (await graphClient('eyJ0eXAiOiJKV1QifQ.not.issued')
			.api(`/communications/calls/${CALL_ID}`)
			.get()
			.catch((caught: unknown) => caught)) as { statusCode?: number; code?: string };
		expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
	});
});

describe('wire parity: the node against msal-node and the Graph client', () => {
	let store: CredentialStore;
	beforeEach(() => {
		store = new CredentialStore();
		store.set('graph', { ...credentialData(emulator).microsoftGraphCallsApi, accessToken: '' });
	});

	async function nodeRequests(parameters: IDataObject): Promise<LogEntry[]> {
		emulator.log.clear();
		const result = await runWorkflow(
			[
				{ name: 'Items', type: 'test.items', parameters: { items: JSON.stringify([{}]) } },
				{ name: 'Node', type: 'microsoftGraphCalls', parameters, credentials: { microsoftGraphCallsApi: { id: 'graph', name: 'Graph' } } },
			],
			store,
			'manual',
		);
		if (result.error) throw new Error(`the node failed: ${result.error.message}`);
		return emulator.log.entries();
	}

	const decodedPath = (entry: LogEntry) => entry.path.split('/').map(decodeURIComponent).join('/');

	test('the token request: the node sends what msal sends for client credentials (msal adds only its own telemetry)', async () => {
		const [nodeToken] = (await nodeRequests({ resource: 'call', operation: 'get', callId: CALL_ID })).filter((entry) => entry.provider === 'login');
		emulator.log.clear();
		await msalClient().acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
		const [msalToken] = tokenRequests();
		expect({ method: nodeToken.method, path: decodedPath(nodeToken) }).toEqual({ method: msalToken.method, path: decodedPath(msalToken) });
		// The query: the node sends none; msal only its correlation id (client-request-id, a GUID it makes per request).
		expect(nodeToken.query).toEqual({});
		expect(msalToken.query).toEqual({ 'client-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/) });
		expect(nodeToken.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		expect(msalToken.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
		const nodeForm = nodeToken.body as Record<string, string>;
		const msalForm = msalToken.body as Record<string, string>;
		expect(nodeForm).toEqual({
			client_id: sandbox.graph.clientId,
			client_secret: sandbox.graph.clientSecret,
			scope: GRAPH_SCOPE,
			grant_type: 'client_credentials',
		});
		// Every field the node sends, msal sends with the same value (msal's scope list is space-separated: one here).
		expect(msalForm).toMatchObject(nodeForm);
		// What msal adds is its own: library telemetry and a client_info flag the token service ignores here.
		const extras = Object.keys(msalForm).filter((key) => !(key in nodeForm));
		expect(extras.every((key) => /^(x-client-|x-ms-|x-app-|client_info$|client-request-id$|return-client-request-id$)/i.test(key))).toBe(true);
		expect(nodeToken.status).toBe(200);
		expect(msalToken.status).toBe(200);
	});

	for (const [operation, method, status] of [
		['get', 'GET', 200],
		['delete', 'DELETE', 204],
	] as const) {
		test(`call ${operation}: the same ${method} /v1.0/communications/calls/{id} with a bearer token`, async () => {
			const node = (await nodeRequests({ resource: 'call', operation, callId: CALL_ID, options: {} })).filter(
				(entry) => entry.provider === 'graph' && entry.method === method,
			);
			expect(node).toHaveLength(1);
			emulator.reset();
			emulator.graph.seedCalls([{ id: CALL_ID, state: 'established' }] as never);
			const token = (await msalClient().acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }))!.accessToken;
			emulator.log.clear();
			const request = graphClient(token).api(`/communications/calls/${CALL_ID}`);
			await (method === 'GET' ? request.get() : request.delete());
			const [library] = emulator.log.entries({ provider: 'graph' });
			const wire = (entry: LogEntry) => ({
				method: entry.method,
				path: decodedPath(entry),
				query: entry.query,
				body: entry.body,
				bearer: /^Bearer \S+$/.test(String(entry.headers.authorization)),
				status: entry.status,
			});
			expect(wire(node[0])).toEqual(wire(library));
			expect(wire(node[0])).toMatchObject({ path: `/graph/v1.0/communications/calls/${CALL_ID}`, body: undefined, bearer: true, status });
			// The node percent-encodes the call ID segment; a GUID reads the same either way.
			expect(node[0].path).toBe(decodedPath(node[0]).split('/').map(encodeURIComponent).join('/'));
		});
	}

	test('Custom cloud: the token scope is the credential\'s Scope when set, else <Graph URL>/.default, which Entra refuses for a proxy', async () => {
		const scopes = () => tokenRequests().map((entry) => (entry.body as Record<string, string>).scope);
		// Set (emulatorCredentials does, as a user with a proxy would): the token comes, the call is read.
		await nodeRequests({ resource: 'call', operation: 'get', callId: CALL_ID });
		expect(scopes()).toEqual([GRAPH_SCOPE]);
		expect(tokenRequests()[0].status).toBe(200);
		// Left empty: the scope follows the Graph URL, here the emulator's, and the token service refuses it.
		const { scope: _scope, ...withoutScope } = credentialData(emulator).microsoftGraphCallsApi;
		store.set('graph', { ...withoutScope, accessToken: '' });
		const error = await nodeRequests({ resource: 'call', operation: 'get', callId: CALL_ID }).catch((caught: Error) => caught);
		expect(scopes()).toEqual([`${emulator.graphUrl}/.default`]);
		expect(tokenRequests()[0].status).toBe(400);
		expect(String((error as Error).message)).toMatch(/scope is not valid for this cloud/i);
	});
});
