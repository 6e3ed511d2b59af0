/**
 * Wire parity, Stream: for each Stream Video node operation, the request the emulator saw from the node (run in-process
 * in n8n-core through dev/harness, from the built package) and the one it saw from the official SDK for the same
 * operation agree on method, decoded path, query, auth and body semantics. The differences are intended, and asserted:
 * - the node percent-encodes path segments (the SDK inserts them raw);
 * - the node always sends `filter_conditions`, `sort` and `limit` on QueryCalls (the SDK sends what it is given);
 * - the node always sends `hard` on DeleteCall (the SDK leaves it out unless set; absent means soft).
 * Only what the emulator saw is compared, never the node's output items.
 */
import { StreamClient } from '@stream-io/node-sdk';
import type { IDataObject } from 'n8n-workflow';

import { credentialData, daysAgo, sandbox, startEmulator, type Emulator, type LogEntry } from '../../dev/emulators/client';
import { CredentialStore, pollTrigger, runWorkflow } from '../../dev/harness/n8n-inprocess';
import { seedStream } from './seeds';

jest.setTimeout(60_000);

let emulator: Emulator;
let client: StreamClient;
let store: CredentialStore;

beforeAll(async () => {
	emulator = await startEmulator();
	client = new StreamClient(sandbox.stream.apiKey, sandbox.stream.apiSecret, { basePath: emulator.streamBaseUrl, timeout: 10_000 });
	store = new CredentialStore();
	store.set('stream', credentialData(emulator).streamVideoApi);
});
afterAll(async () => await emulator.close());
beforeEach(() => seedStream(emulator));

/** Runs the Stream Video node once (Manual Trigger → one item → the node) and returns the requests it sent. */
async function nodeRequests(parameters: IDataObject): Promise<LogEntry[]> {
	emulator.log.clear();
	const result = await runWorkflow(
		[
			{ name: 'Items', type: 'test.items', parameters: { items: JSON.stringify([{}]) } },
			{ name: 'Node', type: 'streamVideo', parameters, credentials: { streamVideoApi: { id: 'stream', name: 'Stream' } } },
		],
		store,
		'manual',
	);
	if (result.error) throw new Error(`the node failed: ${result.error.message}`);
	return emulator.log.entries({ provider: 'stream' });
}

/** Runs one SDK call and returns the requests it sent. */
async function sdkRequests(call: () => Promise<unknown>): Promise<LogEntry[]> {
	emulator.log.clear();
	await call();
	return emulator.log.entries({ provider: 'stream' });
}

const decodedPath = (entry: LogEntry) => entry.path.split('/').map(decodeURIComponent).join('/');
const jwtPayload = (entry: LogEntry) => JSON.parse(Buffer.from(String(entry.headers.authorization).split('.')[1], 'base64url').toString('utf8'));

/** What both sides must agree on for one request. */
function request(entry: LogEntry) {
	return {
		method: entry.method,
		path: decodedPath(entry),
		query: entry.query,
		authType: entry.headers['stream-auth-type'],
		// A raw server JWT (no "Bearer "), signed with the app secret: the emulator checked the signature.
		rawJwt: /^[\w-]+\.[\w-]+\.[\w-]+$/.test(String(entry.headers.authorization)),
		server: jwtPayload(entry).server,
		status: entry.status,
	};
}

/** The one request of `entries` to this endpoint. */
function only(entries: LogEntry[], method: string, path: RegExp): LogEntry {
	const matching = entries.filter((entry) => entry.method === method && path.test(entry.path));
	if (matching.length !== 1) throw new Error(`expected one ${method} ${path}, saw ${JSON.stringify(entries.map((entry) => `${entry.method} ${entry.path}`))}`);
	return matching[0];
}

/** The path as the node sends it: each segment percent-encoded (identical to the raw one for IDs the node accepts). */
const encodedLike = (entry: LogEntry) => decodedPath(entry).split('/').map(encodeURIComponent).join('/');

test('call get: the same GET /api/v2/video/call/{type}/{id}', async () => {
	const node = only(await nodeRequests({ resource: 'call', operation: 'get', callType: 'default', callId: 'conf-1' }), 'GET', /\/call\/default\/conf-1$/);
	const sdk = only(await sdkRequests(() => client.video.getCall({ type: 'default', id: 'conf-1' })), 'GET', /\/call\/default\/conf-1$/);
	expect(request(node)).toEqual(request(sdk));
	expect(request(node)).toMatchObject({ authType: 'jwt', rawJwt: true, server: true, query: { api_key: sandbox.stream.apiKey }, status: 200 });
	expect(node.path).toBe(encodedLike(node));
	// The SDK adds nothing to a GetCall but api_key: its optional members_limit, ring, notify and video stay unset.
	expect(sdk.body).toBeUndefined();
	expect(node.body).toBeUndefined();
});

test('call delete, soft: the same POST …/delete; the node says hard: false, the SDK leaves hard out (absent means soft)', async () => {
	const node = only(
		await nodeRequests({ resource: 'call', operation: 'delete', callType: 'default', callId: 'conf-1', deleteMode: 'soft', options: {} }),
		'POST',
		/\/delete$/,
	);
	seedStream(emulator);
	const sdk = only(await sdkRequests(() => client.video.deleteCall({ type: 'default', id: 'conf-1' })), 'POST', /\/delete$/);
	expect(request(node)).toEqual(request(sdk));
	expect(request(node).status).toBe(201);
	expect(node.body).toEqual({ hard: false });
	expect(sdk.body).toEqual({});
	// Both were soft deletes: the emulator recorded the same outcome.
	expect((emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', 'conf-1')).toMatchObject({ deleted: true, deletedMode: 'soft' });
	// With hard set to false explicitly, the SDK's body is the node's.
	seedStream(emulator);
	const explicit = only(await sdkRequests(() => client.video.deleteCall({ type: 'default', id: 'conf-1', hard: false })), 'POST', /\/delete$/);
	expect(explicit.body).toEqual(node.body);
});

test('call delete, hard: the same POST …/delete with hard: true', async () => {
	const node = only(
		await nodeRequests({ resource: 'call', operation: 'delete', callType: 'default', callId: 'conf-2', deleteMode: 'hard', options: {} }),
		'POST',
		/\/delete$/,
	);
	seedStream(emulator);
	const sdk = only(await sdkRequests(() => client.video.deleteCall({ type: 'default', id: 'conf-2', hard: true })), 'POST', /\/delete$/);
	expect(request(node)).toEqual(request(sdk));
	expect(node.body).toEqual({ hard: true });
	expect(sdk.body).toEqual(node.body);
});

test('task get: the same GET /api/v2/tasks/{id}', async () => {
	emulator.stream.seedTasks([{ taskId: 'wire-task', status: 'completed' }] as never);
	const node = only(await nodeRequests({ resource: 'task', operation: 'get', taskId: 'wire-task' }), 'GET', /\/tasks\/wire-task$/);
	const sdk = only(await sdkRequests(() => client.getTask({ id: 'wire-task' })), 'GET', /\/tasks\/wire-task$/);
	expect(request(node)).toEqual(request(sdk));
	expect(node.body).toBeUndefined();
	expect(sdk.body).toBeUndefined();
});

test('the trigger\'s poll: the same GET /api/v2/tasks/{id} for each watched task', async () => {
	emulator.stream.seedTasks([{ taskId: 'wire-task', status: 'completed' }] as never);
	emulator.log.clear();
	await pollTrigger(store, { parameters: { event: 'hardDeleteFinished', taskIds: 'wire-task', options: {} }, credentialId: 'stream', staticData: {} });
	const trigger = only(emulator.log.entries({ provider: 'stream' }), 'GET', /\/tasks\/wire-task$/);
	const sdk = only(await sdkRequests(() => client.getTask({ id: 'wire-task' })), 'GET', /\/tasks\/wire-task$/);
	expect(request(trigger)).toEqual(request(sdk));
});

test('call getMany: the same QueryCalls filter and paging; the node adds sort and limit', async () => {
	// More calls than one page (the node asks for 100 at a time), all with alice as a member and creator.
	emulator.stream.seedCalls(
		Array.from({ length: 120 }, (_, index) => ({
			type: 'default',
			id: `page-${String(index).padStart(3, '0')}`,
			created_at: daysAgo(60 - index / 10),
			ended_at: daysAgo(59 - index / 10),
			created_by_user_id: 'alice',
			members: ['alice'],
		})) as never,
	);
	const parameters = { resource: 'call', operation: 'getMany', returnAll: true, filters: { memberIds: 'alice', createdByUserId: 'alice' }, options: {} };
	const node = (await nodeRequests(parameters)).filter((entry) => entry.method === 'POST' && entry.path.endsWith('/api/v2/video/calls'));
	expect(node).toHaveLength(2);
	const [firstPage, secondPage] = node.map((entry) => entry.body as IDataObject);
	const filter = firstPage.filter_conditions as IDataObject;
	// The node's filter: not live, member alice, created by alice.
	expect(filter).toEqual({ $and: [{ ongoing: { $eq: false } }, { members: { $in: ['alice'] } }, { created_by_user_id: { $eq: 'alice' } }] });

	// The SDK, given only the filter: the node's body adds sort and limit, nothing else.
	const sdkBare = only(await sdkRequests(() => client.video.queryCalls({ filter_conditions: filter })), 'POST', /\/video\/calls$/);
	expect(request(node[0])).toEqual({ ...request(sdkBare), status: request(node[0]).status });
	const bare = sdkBare.body as IDataObject;
	expect(Object.keys(firstPage).filter((key) => !(key in bare)).sort()).toEqual(['limit', 'sort']);
	expect(firstPage).toMatchObject(bare);
	expect(firstPage).toMatchObject({ sort: [{ field: 'created_at', direction: 1 }], limit: 100 });

	// The SDK given the node's sort and limit sends the node's body, and pages on with the same cursor.
	const sdkPages: LogEntry[] = await sdkRequests(async () => {
		const first = await client.video.queryCalls({ filter_conditions: filter, sort: [{ field: 'created_at', direction: 1 }], limit: 100 });
		await client.video.queryCalls({ filter_conditions: filter, sort: [{ field: 'created_at', direction: 1 }], limit: 100, next: first.next });
	});
	expect(sdkPages.map((entry) => entry.body)).toEqual([firstPage, secondPage]);
	expect(sdkPages.map(request)).toEqual(node.map(request));
});

for (const kind of ['recording', 'transcription'] as const) {
	const plural = `${kind}s`;
	const filename = kind === 'recording' ? 'rec_conf-1_1.mp4' : 'transcript_conf-1_1.jsonl';

	test(`${kind} getMany: the same GET /api/v2/video/call/{type}/{id}/${plural}`, async () => {
		const pattern = new RegExp(`/call/default/conf-1/${plural}$`);
		const node = only(await nodeRequests({ resource: kind, operation: 'getMany', callType: 'default', callId: 'conf-1' }), 'GET', pattern);
		const call = client.video.call('default', 'conf-1');
		const sdk = only(await sdkRequests(() => (kind === 'recording' ? call.listRecordings() : call.listTranscriptions())), 'GET', pattern);
		expect(request(node)).toEqual(request(sdk));
		expect(node.path).toBe(encodedLike(node));
	});

	test(`${kind} delete: the same DELETE /api/v2/video/call/{type}/{id}/{session}/${plural}/{filename}`, async () => {
		const pattern = new RegExp(`/session-a/${plural}/`);
		const parameters = { resource: kind, operation: 'delete', callType: 'default', callId: 'conf-1', sessionId: 'session-a', filename, options: {} };
		const node = only(await nodeRequests(parameters), 'DELETE', pattern);
		seedStream(emulator);
		const call = client.video.call('default', 'conf-1');
		const target = { session: 'session-a', filename };
		const sdk = only(await sdkRequests(() => (kind === 'recording' ? call.deleteRecording(target) : call.deleteTranscription(target))), 'DELETE', pattern);
		expect(request(node)).toEqual(request(sdk));
		expect(request(node).status).toBe(200);
		expect(node.path).toBe(encodedLike(node));
		expect(node.body).toBeUndefined();
		expect(sdk.body).toBeUndefined();
	});
}

test('path encoding: the node encodes each segment; the SDK inserts it raw, so an ID with "#" cuts the SDK\'s URL short', async () => {
	// Every ID the node accepts is [A-Za-z0-9_.-]: encoded and raw coincide (the tests above). For anything else the
	// node refuses the ID before sending; the SDK sends it as is, and "#" starts a URL fragment: the query with
	// api_key is lost and the emulator sees another path.
	const entries = await sdkRequests(() => client.video.getCall({ type: 'default', id: 'conf#1' }).catch(() => undefined));
	expect(entries).toHaveLength(1);
	expect(entries[0].path).toBe('/stream/api/v2/video/call/default/conf');
	expect(entries[0].query).toEqual({});
	expect(entries[0].status).toBe(401);
});
