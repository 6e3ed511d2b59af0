/**
 * Stream's official server SDK (@stream-io/node-sdk, pinned in devDependencies) against the Stream emulator, through
 * every call the nodes make, on seeded data and on the error paths. A test fails when an SDK call misbehaves (throws,
 * or decodes something else than the SDK's types say), or when an answer lacks a field the SDK's own model marks
 * required (src/gen/models/index.ts, read by ./sdkModels.ts) for any object the nodes read.
 */
import { StreamClient } from '@stream-io/node-sdk';

import { daysAgo, sandbox, startEmulator, type Emulator } from '../../dev/emulators/client';
import { missingRequired } from './sdkModels';
import { seedStream } from './seeds';

/**
 * Required fields (model.field) the emulator leaves out on purpose, each with its reason. Every other field the SDK's
 * models require must be in every answer; the last test proves each gap listed here is still one.
 */
export const KEPT_GAPS: Record<string, string> = {
	'APIError.status_code':
		"the SDK's generated model names the HTTP status `status_code`, but Stream's service sends `StatusCode` (the error " +
		"body in getstream.io/chat/docs/react/api_errors_response, and GetStream/protocol's OpenAPI APIError), so the emulator " +
		'sends what the service sends. The SDK reads only `code` and `message` from an error body (src/ApiClient.ts).',
};

/** Required fields missing from `value` read as the SDK model `model`, apart from the kept gaps. */
function missing(model: string, value: unknown): string[] {
	return missingRequired(model, value).filter((entry) => {
		const [, field, owner] = /([^.[\]\s]+) \((\w+)\)$/.exec(entry) ?? [];
		return !(`${owner}.${field}` in KEPT_GAPS);
	});
}

jest.setTimeout(60_000);

let emulator: Emulator;
let client: StreamClient;

/** The raw answers the SDK received (url, status, body), captured below its fetch. */
const answers: Array<{ url: string; status: number; body: unknown }> = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
	emulator = await startEmulator();
	client = new StreamClient(sandbox.stream.apiKey, sandbox.stream.apiSecret, { basePath: emulator.streamBaseUrl, timeout: 10_000 });
	globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
		const response = await realFetch(...args);
		const text = await response.clone().text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {
			// not JSON: kept as text
		}
		answers.push({ url: String(args[0]), status: response.status, body });
		return response;
	}) as typeof fetch;
});
afterAll(async () => {
	globalThis.fetch = realFetch;
	await emulator.close();
});

const withoutMetadata = <T extends object>(response: T) => {
	const { metadata: _metadata, ...rest } = response as T & { metadata?: unknown };
	return rest;
};

/** The StreamError an SDK call rejected with: its Stream code, the HTTP status and the raw error body. */
async function streamError(call: Promise<unknown>): Promise<{ code?: number; status?: number; body: unknown }> {
	const before = answers.length;
	const error = await call.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	// The package does not export its StreamError class: recognise it by its name and its fields.
	const streamError = error as { constructor?: { name?: string }; code?: unknown; metadata?: { responseCode?: number } } | undefined;
	if (streamError?.constructor?.name !== 'StreamError' || typeof streamError.code !== 'number') {
		throw new Error(`expected a StreamError with a Stream error code, got ${String(error)}`);
	}
	return { code: streamError.code, status: streamError.metadata?.responseCode, body: answers.slice(before).at(-1)?.body };
}

beforeEach(() => seedStream(emulator));

describe('the SDK decodes every answer the nodes read, with every field its models require', () => {
	test('getCall: call, members, users, settings, ingress, session and participants', async () => {
		const response = await client.video.getCall({ type: 'default', id: 'conf-live' });
		expect(response.call.cid).toBe('default:conf-live');
		expect(response.call.created_at).toBeInstanceOf(Date);
		expect(response.members.map((member) => member.user_id)).toEqual(['alice', 'carol']);
		expect(response.members[0].user).toMatchObject({ id: 'alice', name: 'Alice Example', custom: { crmId: 'crm-1' } });
		expect(response.call.session?.participants.map((participant) => participant.user.id)).toEqual(['alice', 'carol']);
		expect(response.call.session?.participants[0].joined_at).toBeInstanceOf(Date);
		expect(missing('GetCallResponse', withoutMetadata(response))).toEqual([]);
		// An ended call: no one in it, its session ended.
		const ended = await client.video.getCall({ type: 'default', id: 'conf-1' });
		expect(ended.call.ended_at).toBeInstanceOf(Date);
		expect(missing('GetCallResponse', withoutMetadata(ended))).toEqual([]);
	});

	test('deleteCall soft: the call comes back, no task; the call is then gone (16, HTTP 404)', async () => {
		const response = await client.video.deleteCall({ type: 'default', id: 'conf-1', hard: false });
		expect(response.call.cid).toBe('default:conf-1');
		expect(response.task_id).toBeUndefined();
		expect(response.metadata.responseCode).toBe(201);
		expect(missing('DeleteCallResponse', withoutMetadata(response))).toEqual([]);
		const gone = await streamError(client.video.getCall({ type: 'default', id: 'conf-1' }));
		expect(gone).toMatchObject({ code: 16, status: 404 });
		expect(missing('APIError', gone.body)).toEqual([]);
	});

	test('deleteCall hard: a task that getTask follows from pending to completed, with nanosecond times decoded', async () => {
		const response = await client.video.deleteCall({ type: 'default', id: 'conf-2', hard: true });
		expect(response.task_id).toEqual(expect.any(String));
		expect(missing('DeleteCallResponse', withoutMetadata(response))).toEqual([]);
		const seen = new Set<string>();
		let task = await client.getTask({ id: response.task_id! });
		const deadline = Date.now() + 10_000;
		while (task.status !== 'completed' && task.status !== 'failed' && Date.now() < deadline) {
			seen.add(task.status);
			expect(missing('GetTaskResponse', withoutMetadata(task))).toEqual([]);
			await new Promise((resolve) => setTimeout(resolve, 100));
			task = await client.getTask({ id: response.task_id! });
		}
		expect(task.status).toBe('completed');
		expect([...seen].every((status) => status === 'pending' || status === 'running')).toBe(true);
		expect(task.created_at).toBeInstanceOf(Date);
		expect(Math.abs(task.created_at.getTime() - Date.now())).toBeLessThan(60_000);
		expect(task.updated_at.getTime()).toBeGreaterThanOrEqual(task.created_at.getTime());
		expect(missing('GetTaskResponse', withoutMetadata(task))).toEqual([]);
		// Its recordings and transcriptions went with it; the call answers 16.
		expect(await streamError(client.video.getCall({ type: 'default', id: 'conf-2' }))).toMatchObject({ code: 16, status: 404 });
	});

	test('getTask: a failed task carries its error; RFC 3339 times decode too; an unknown task is 16 (HTTP 404)', async () => {
		emulator.stream.seedTasks([
			{ taskId: 'conf-failed', status: 'failed' },
			{ taskId: 'conf-rfc', status: 'completed', finishedAtFormat: 'rfc3339' },
		] as never);
		const failed = await client.getTask({ id: 'conf-failed' });
		expect(failed.status).toBe('failed');
		expect(failed.error?.description).toEqual(expect.any(String));
		expect(missing('GetTaskResponse', withoutMetadata(failed))).toEqual([]);
		const rfc = await client.getTask({ id: 'conf-rfc' });
		expect(rfc.created_at).toBeInstanceOf(Date);
		expect(Number.isNaN(rfc.created_at.getTime())).toBe(false);
		expect(missing('GetTaskResponse', withoutMetadata(rfc))).toEqual([]);
		const unknown = await streamError(client.getTask({ id: 'conf-unknown-task' }));
		expect(unknown).toMatchObject({ code: 16, status: 404 });
		expect(missing('APIError', unknown.body)).toEqual([]);
	});

	test('queryCalls: members, ongoing, created_by_user_id, the node\'s $and filter, sort and paging both ways', async () => {
		const ids = (response: { calls: Array<{ call: { id: string } }> }) => response.calls.map((entry) => entry.call.id);
		const byMember = await client.video.queryCalls({ filter_conditions: { members: { $in: ['carol'] } }, sort: [{ field: 'created_at', direction: 1 }] });
		expect(ids(byMember)).toEqual(['conf-2', 'conf-3', 'conf-live']);
		expect(missing('QueryCallsResponse', withoutMetadata(byMember))).toEqual([]);
		const notLive = await client.video.queryCalls({ filter_conditions: { ongoing: { $eq: false } }, sort: [{ field: 'created_at', direction: 1 }] });
		expect(ids(notLive)).toEqual(['conf-1', 'conf-2', 'conf-3', 'conf-4']);
		const live = await client.video.queryCalls({ filter_conditions: { ongoing: { $eq: true } } });
		expect(ids(live)).toEqual(['conf-live']);
		expect(missing('QueryCallsResponse', withoutMetadata(live))).toEqual([]);
		const byCreator = await client.video.queryCalls({ filter_conditions: { created_by_user_id: { $eq: 'alice' } }, sort: [{ field: 'created_at', direction: -1 }] });
		expect(ids(byCreator)).toEqual(['conf-4', 'conf-3', 'conf-1']);
		// What the node sends for "member alice, not live, created before 15 days ago".
		const nodeFilter = {
			$and: [{ created_at: { $lt: daysAgo(15) } }, { ongoing: { $eq: false } }, { type: { $eq: 'default' } }, { members: { $in: ['alice'] } }],
		};
		const combined = await client.video.queryCalls({ filter_conditions: nodeFilter, sort: [{ field: 'created_at', direction: 1 }], limit: 100 });
		expect(ids(combined)).toEqual(['conf-1']);

		// Paging: next walks forward, prev walks back to the same pages.
		const sort = [{ field: 'created_at', direction: 1 }];
		const first = await client.video.queryCalls({ filter_conditions: {}, sort, limit: 2 });
		expect(ids(first)).toEqual(['conf-1', 'conf-2']);
		expect(first.prev).toBeUndefined();
		const second = await client.video.queryCalls({ filter_conditions: {}, sort, limit: 2, next: first.next });
		expect(ids(second)).toEqual(['conf-3', 'conf-4']);
		const third = await client.video.queryCalls({ filter_conditions: {}, sort, limit: 2, next: second.next });
		expect(ids(third)).toEqual(['conf-live']);
		expect(third.next).toBeUndefined();
		const back = await client.video.queryCalls({ filter_conditions: {}, sort, limit: 2, prev: third.prev });
		expect(ids(back)).toEqual(['conf-3', 'conf-4']);
		const start = await client.video.queryCalls({ filter_conditions: {}, sort, limit: 2, prev: back.prev });
		expect(ids(start)).toEqual(['conf-1', 'conf-2']);
		for (const page of [first, second, third, back, start]) expect(missing('QueryCallsResponse', withoutMetadata(page))).toEqual([]);
	});

	test('recordings and transcriptions: list, delete, and a second delete is 16 (HTTP 404)', async () => {
		const call = client.video.call('default', 'conf-1');
		const recordings = await call.listRecordings();
		expect(recordings.recordings.map((file) => file.filename)).toEqual(['rec_conf-1_1.mp4']);
		expect(recordings.recordings[0].start_time).toBeInstanceOf(Date);
		expect(missing('ListRecordingsResponse', withoutMetadata(recordings))).toEqual([]);
		const transcriptions = await call.listTranscriptions();
		expect(transcriptions.transcriptions.map((file) => file.filename)).toEqual(['transcript_conf-1_1.jsonl']);
		expect(missing('ListTranscriptionsResponse', withoutMetadata(transcriptions))).toEqual([]);

		const deletedRecording = await call.deleteRecording({ session: 'session-a', filename: 'rec_conf-1_1.mp4' });
		expect(missing('DeleteRecordingResponse', withoutMetadata(deletedRecording))).toEqual([]);
		const deletedTranscription = await call.deleteTranscription({ session: 'session-a', filename: 'transcript_conf-1_1.jsonl' });
		expect(missing('DeleteTranscriptionResponse', withoutMetadata(deletedTranscription))).toEqual([]);
		expect((await call.listRecordings()).recordings).toEqual([]);
		expect((await call.listTranscriptions()).transcriptions).toEqual([]);
		const again = await streamError(call.deleteRecording({ session: 'session-a', filename: 'rec_conf-1_1.mp4' }));
		expect(again).toMatchObject({ code: 16, status: 404 });
		expect(missing('APIError', again.body)).toEqual([]);
		expect(await streamError(call.deleteTranscription({ session: 'session-a', filename: 'transcript_conf-1_1.jsonl' }))).toMatchObject({ code: 16, status: 404 });
	});

	test('error paths: unknown call, wrong secret, unknown key, bad input; each an APIError the SDK reads', async () => {
		const cases: Array<[string, () => Promise<unknown>, number, number]> = [
			['unknown call', () => client.video.getCall({ type: 'default', id: 'no-such-call' }), 16, 404],
			['unknown call type', () => client.video.getCall({ type: 'no_such_type', id: 'conf-1' }), 16, 404],
			['delete of an unknown call', () => client.video.deleteCall({ type: 'default', id: 'no-such-call', hard: true }), 16, 404],
			[
				'wrong secret',
				() => new StreamClient(sandbox.stream.apiKey, 'not-the-secret', { basePath: emulator.streamBaseUrl }).video.getCall({ type: 'default', id: 'conf-1' }),
				43,
				401,
			],
			['unknown key', () => new StreamClient('no-such-key', sandbox.stream.apiSecret, { basePath: emulator.streamBaseUrl }).getTask({ id: 'x' }), 2, 401],
			['limit over 100', () => client.video.queryCalls({ limit: 500 }), 4, 400],
		];
		for (const [what, call, code, status] of cases) {
			const error = await streamError(call());
			expect({ what, code: error.code, status: error.status }).toEqual({ what, code, status });
			expect({ what, missing: missing('APIError', error.body) }).toEqual({ what, missing: [] });
		}
	});

	test('each kept gap is still a gap (so the list above stays true)', async () => {
		const error = await streamError(client.video.getCall({ type: 'default', id: 'no-such-call' }));
		expect(missingRequired('APIError', error.body)).toEqual(['status_code (APIError)']);
		expect(error.body).toMatchObject({ StatusCode: 404 });
		expect(Object.keys(KEPT_GAPS)).toEqual(['APIError.status_code']);
	});

	test('the model check itself: it names missing fields, wrong types, bad enum values and invalid dates', () => {
		expect(missingRequired('UserResponse', { id: 7, role: 'user', custom: {} })).toEqual(
			expect.arrayContaining(['banned (UserResponse)', 'created_at (UserResponse)', 'teams (UserResponse)', 'id (not a string: 7)']),
		);
		expect(missingRequired('CallParticipantResponse', { user: {}, role: 'user', user_session_id: 's', joined_at: new Date('nope') })).toEqual(
			expect.arrayContaining(['joined_at (not a valid Date: Invalid Date)', 'user.banned (UserResponse)']),
		);
		expect(missingRequired('EncryptionSettingsResponse', { mode: 'sometimes' })).toEqual([
			'mode (not one of ["available","disabled","auto-on"]: "sometimes")',
		]);
	});

	test('/_control/reset re-seeds the sandbox calls, and starts empty with seed=false', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { createEmulatorServer } = require('../../dev/emulators/server');
		const seeded = (await createEmulatorServer({ port: 0 })) as Emulator;
		try {
			const sdk = new StreamClient(sandbox.stream.apiKey, sandbox.stream.apiSecret, { basePath: seeded.streamBaseUrl });
			const count = async () => (await sdk.video.queryCalls({ filter_conditions: {}, limit: 100 })).calls.length;
			const reset = (query: string, body?: unknown) =>
				realFetch(`${seeded.url}/_control/reset${query}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
			const sandboxCalls = await count();
			expect(sandboxCalls).toBeGreaterThan(0);
			await reset('');
			expect(await count()).toBe(sandboxCalls);
			await reset('?seed=false');
			expect(await count()).toBe(0);
			await reset('?seed=true');
			expect(await count()).toBe(sandboxCalls);
			await reset('', { seed: false });
			expect(await count()).toBe(0);
		} finally {
			await seeded.close();
		}
	});
});
