'use strict';
// Stream Video server-side API. Sources, cited below by these short names:
// - SDK: GetStream/stream-node (commit 7288528), src/gen/video/VideoApi.ts (paths), src/gen/models/index.ts (shapes),
//   src/ApiClient.ts (headers, errors), __tests__/*.test.ts.
// - SPEC: GetStream/protocol openapi/v2/video-serverside-api.yaml (success codes, x-stream-filter-fields).
// - DOCS: getstream.io/video/docs/api (gdpr/calls, recording/manage, transcription, querying-calls, rate_limits,
//   authentication) and getstream.io/chat/docs/react/api_errors_response (error codes and their HTTP status).
// Where no source says, the comment says "[Unstated]" and the choice made.
const crypto = require('node:crypto');

const { uuid } = require('./common');

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BUILTIN_CALL_TYPES = ['default', 'audio_room', 'livestream', 'development'];
const MORE_INFO = 'https://getstream.io/chat/docs/api_errors_response';
const DEFAULT_LIMIT_PER_MINUTE = 10_000;

/** APIError (SPEC: required code, message, StatusCode, duration, more_info, details). */
function errorBody(status, code, message) {
	return { code, message, StatusCode: status, duration: '0.00ms', more_info: MORE_INFO, details: [] };
}

/** Codes from DOCS api_errors_response: 9 rate limit (429), 23 timeout (408), -1 internal (500), 4 input (400). */
function defaultErrorFor(status) {
	if (status === 429) return errorBody(429, 9, 'Too many requests, check response headers for more information.');
	if (status === 408) return errorBody(408, 23, 'Request timed out');
	if (status >= 500) return errorBody(status, -1, 'Internal server error');
	return errorBody(status, 4, 'Bad request');
}

const b64urlJson = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function createStream() {
	let state;
	function reset() {
		state = {
			apps: new Map([
				['sandbox-stream-key', 'sandbox-stream-secret'],
				['test-key', 'test-secret'],
			]),
			callTypes: new Set(BUILTIN_CALL_TYPES),
			calls: new Map(),
			tasks: new Map(),
			// UserResponse fields by user id (SDK models): what members, created_by and participants carry.
			users: new Map(),
			createdAt: new Date().toISOString(),
			windows: new Map(),
			config: {
				taskPendingMs: 300,
				taskRunningMs: 700,
				rateLimits: {},
				perSecondCap: true,
				retryAfterHeader: true,
			},
		};
	}
	reset();

	/** Stream users (SDK UpsertUsers): id, name, image, custom, role. Users not seeded answer with their id and role only. */
	function seedUsers(users) {
		for (const user of users) state.users.set(user.id, { role: 'user', ...user });
	}

	/**
	 * UserResponse (SDK models) of one user: the seeded profile, so a member's name and custom data come back as Stream
	 * sends them, with every field the SDK's UserResponse requires (banned, created_at, id, invisible, language, online,
	 * role, shadow_banned, updated_at, blocked_user_ids, teams, custom). [Unstated] the values of a user nobody
	 * configured: not banned, not online, visible, language "", no teams, created when the emulator was reset.
	 */
	function userResponse(userId) {
		const seeded = state.users.get(userId) ?? {};
		const createdAt = seeded.created_at ?? state.createdAt;
		return {
			id: userId,
			role: 'user',
			banned: false,
			shadow_banned: false,
			invisible: false,
			online: false,
			language: '',
			blocked_user_ids: [],
			teams: [],
			created_at: createdAt,
			updated_at: seeded.updated_at ?? createdAt,
			...seeded,
			custom: seeded.custom ?? {},
		};
	}

	function seedCalls(calls) {
		const now = new Date().toISOString();
		for (const input of calls) {
			const type = input.type ?? 'default';
			state.callTypes.add(type);
			const cid = `${type}:${input.id}`;
			state.calls.set(cid, {
				type,
				id: input.id,
				cid,
				created_at: input.created_at ?? now,
				updated_at: input.updated_at ?? now,
				ended_at: input.ended_at === undefined ? now : input.ended_at,
				starts_at: input.starts_at ?? null,
				team: input.team ?? '',
				created_by_user_id: input.created_by_user_id ?? 'sandbox-user',
				custom: input.custom ?? {},
				// Members of the call (user ids): what QueryCalls' `members` filter matches (SPEC: members $in).
				members: input.members ?? [],
				// People in the call right now: Stream's `ongoing` (DOCS querying-calls: "Calls that are ongoing /
				// currently have participants"). `ended_at` is set only by mark_ended (DOCS basics/calls "Ending calls").
				participants: input.participants ?? [],
				recordings: (input.recordings ?? []).map((file) => callFile(file, true)),
				transcriptions: (input.transcriptions ?? []).map((file) => callFile(file, false)),
				hardDeleteFails: input.hardDeleteFails === true,
				// [Emulator] the first N hard deletes of this call start a task that fails and leave the call in place (the
				// erasure did not happen), so a later hard delete can succeed: a task that fails once, then succeeds.
				hardDeleteFailuresLeft: Number.isInteger(input.hardDeleteFailures) ? input.hardDeleteFailures : 0,
				deleted: false,
			});
		}
	}

	/** CallRecording / CallTranscription (SDK models): every field required; times RFC3339 or nanoseconds. */
	function callFile(file, isRecording) {
		const end = file.end_time ?? new Date().toISOString();
		const entry = {
			session_id: file.session_id ?? 'session-1',
			filename: file.filename,
			url: `https://stream-recordings.invalid/${encodeURIComponent(file.filename)}?signed=1`,
			start_time: file.start_time ?? new Date(Date.parse(end) - 60_000).toISOString(),
			end_time: end,
		};
		if (isRecording) entry.recording_type = file.recording_type ?? 'composite';
		return entry;
	}

	function seedTasks(tasks) {
		for (const task of tasks) {
			const createdAt = Date.now();
			const finishAfterMs = task.finishAfterMs ?? 0;
			state.tasks.set(task.taskId, {
				id: task.taskId,
				createdAt,
				runningAt: task.status === 'pending' ? createdAt + finishAfterMs / 2 : createdAt,
				finishAt: createdAt + finishAfterMs,
				fail: task.fail === true || task.status === 'failed',
				format: task.finishedAtFormat ?? 'ns',
			});
		}
	}

	function taskStatus(task, now = Date.now()) {
		if (now >= task.finishAt) return task.fail ? 'failed' : 'completed';
		return now >= task.runningAt ? 'running' : 'pending';
	}

	function formatTime(millis, format) {
		return format === 'rfc3339' ? new Date(millis).toISOString() : Number(BigInt(millis) * 1_000_000n);
	}

	/**
	 * SDK GetTaskResponse {task_id, status, created_at, updated_at, duration, result?, error?}; status pending → running →
	 * completed | failed (DOCS misc/async). Times in nanoseconds or RFC3339 (SDK model-decoders accept both). [Unstated]
	 * a finished task's `result`: `{}`.
	 */
	function taskResponse(task) {
		const status = taskStatus(task);
		const updated =
			status === 'completed' || status === 'failed' ? task.finishAt : status === 'running' ? task.runningAt : task.createdAt;
		const body = {
			task_id: task.id,
			status,
			created_at: formatTime(task.createdAt, task.format),
			updated_at: formatTime(updated, task.format),
			duration: '0.42ms',
		};
		if (status === 'completed') body.result = {};
		if (status === 'failed') {
			body.error = { type: 'HardDeleteFailed', description: 'hard delete could not remove all call data', stacktrace: '', version: 'v1' };
		}
		return body;
	}

	/** MemberResponse (SDK models): user_id, user, role, custom, created_at, updated_at. */
	function membersOf(call) {
		return call.members.map((userId) => ({
			user_id: userId,
			user: userResponse(userId),
			role: 'user',
			custom: {},
			created_at: call.created_at,
			updated_at: call.created_at,
		}));
	}

	/**
	 * CallSessionResponse (SDK models): id, participants, anonymous_participant_count, accepted_by, missed_by, rejected_by
	 * (user id → time) and participants_count_by_role required. Participants are CallParticipantResponse: user,
	 * user_session_id, role and joined_at required. [Unstated] when they joined: when the call was created; nobody
	 * accepted, missed or rejected a ring (the emulator does not ring).
	 */
	function sessionResponse(call) {
		const participants = call.participants.map((userId) => {
			const user = userResponse(userId);
			return { user, user_session_id: `${userId}-s`, role: user.role, joined_at: call.created_at };
		});
		const countByRole = {};
		for (const participant of participants) countByRole[participant.role] = (countByRole[participant.role] ?? 0) + 1;
		return {
			id: 'session-1',
			participants,
			anonymous_participant_count: 0,
			participants_count_by_role: countByRole,
			accepted_by: {},
			missed_by: {},
			rejected_by: {},
			started_at: call.created_at,
			ended_at: call.participants.length > 0 ? null : call.ended_at,
		};
	}

	function callResponse(call) {
		return {
			type: call.type,
			id: call.id,
			cid: call.cid,
			current_session_id: '',
			created_by: userResponse(call.created_by_user_id),
			custom: call.custom,
			created_at: call.created_at,
			updated_at: call.updated_at,
			ended_at: call.ended_at,
			starts_at: call.starts_at,
			team: call.team,
			recording: false,
			transcribing: false,
			captioning: false,
			translating: false,
			backstage: false,
			settings: callSettings(),
			blocked_user_ids: [],
			// CallIngressResponse (SDK models): rtmp, srt and whip required, each {address}. [Unstated] the addresses: "".
			ingress: { rtmp: { address: '' }, srt: { address: '' }, whip: { address: '' } },
			// EgressResponse (SDK models): broadcasting and rtmps required, hls optional.
			egress: { broadcasting: false, hls: null, rtmps: [] },
			// Who is in the call now.
			session: sessionResponse(call),
		};
	}

	/**
	 * DOCS authentication / SDK ApiClient: every request carries `api_key`, `stream-auth-type: jwt` and a server JWT
	 * (HS256 with the app secret). Error codes from DOCS api_errors_response: 2 key, 5 auth, 40 expired, 41 not yet
	 * valid, 42 iat, 43 signature. [Unstated] the order of the checks: key, auth type, then token.
	 */
	function authenticate(ctx) {
		const apiKey = ctx.query.api_key;
		const secret = typeof apiKey === 'string' ? state.apps.get(apiKey) : undefined;
		if (!secret) return { error: [401, errorBody(401, 2, `api_key not valid: "${apiKey ?? ''}"`)] };
		if (ctx.headers['stream-auth-type'] !== 'jwt') {
			return { error: [401, errorBody(401, 5, 'stream-auth-type header is missing or not "jwt"')] };
		}
		const token = ctx.headers.authorization ?? '';
		const parts = token.split('.');
		if (parts.length !== 3) return { error: [401, errorBody(401, 5, 'JWTAuth error: token is malformed')] };
		const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
		const given = Buffer.from(parts[2], 'base64url');
		if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
			const message = `JWTAuth error: signature is not valid. Make sure the token is created using the secret for API key "${apiKey}"`;
			return { error: [401, errorBody(401, 43, message)] };
		}
		let payload;
		try {
			payload = b64urlJson(parts[1]);
		} catch {
			return { error: [401, errorBody(401, 5, 'JWTAuth error: token is malformed')] };
		}
		const nowSeconds = Date.now() / 1000;
		if (typeof payload.exp === 'number' && payload.exp < nowSeconds) return { error: [401, errorBody(401, 40, 'JWTAuth error: token has expired')] };
		if (typeof payload.nbf === 'number' && payload.nbf > nowSeconds) return { error: [401, errorBody(401, 41, 'JWTAuth error: token is not valid yet')] };
		if (typeof payload.iat === 'number' && payload.iat > nowSeconds + 5) return { error: [401, errorBody(401, 42, 'JWTAuth error: token used before issue at (iat)')] };
		return { apiKey, payload };
	}

	/**
	 * DOCS rate_limits: limits per app and endpoint over one minute, a per-second cap of the per-minute limit ÷ 30,
	 * 429 code 9, and X-RateLimit-Limit / -Remaining / -Reset (Unix seconds) on responses. [Unstated] the numbers per
	 * endpoint (10,000/min here) and whether windows are fixed or sliding (fixed minutes and seconds here).
	 */
	function rateLimit(apiKey, endpoint) {
		const limit = state.config.rateLimits[endpoint] ?? DEFAULT_LIMIT_PER_MINUTE;
		const now = Date.now();
		const minuteStart = Math.floor(now / 60_000) * 60_000;
		const key = `${apiKey}:${endpoint}`;
		let window = state.windows.get(key);
		if (!window || window.start !== minuteStart) {
			window = { start: minuteStart, used: 0, second: 0, secondUsed: 0 };
			state.windows.set(key, window);
		}
		const second = Math.floor(now / 1000);
		if (window.second !== second) {
			window.second = second;
			window.secondUsed = 0;
		}
		const resetSeconds = (minuteStart + 60_000) / 1000;
		const perSecond = Math.max(1, Math.floor(limit / 30));
		const overMinute = window.used >= limit;
		const overSecond = state.config.perSecondCap && window.secondUsed >= perSecond;
		if (!overMinute && !overSecond) {
			window.used++;
			window.secondUsed++;
		}
		const headers = {
			'X-RateLimit-Limit': String(limit),
			'X-RateLimit-Remaining': String(Math.max(0, limit - window.used)),
			'X-RateLimit-Reset': String(resetSeconds),
		};
		if (!overMinute && !overSecond) return { headers };
		// [Unstated] Retry-After on Stream's 429: DOCS name only X-RateLimit-*; GetStream/stream-py honours Retry-After, so send it.
		const retryAfter = overMinute ? Math.max(1, Math.ceil(resetSeconds - now / 1000)) : 1;
		if (state.config.retryAfterHeader) headers['Retry-After'] = String(retryAfter);
		return { headers, limited: true };
	}

	function route(method, path) {
		let m;
		// SDK VideoApi listRecordings / listTranscriptions and deleteRecording / deleteTranscription.
		if ((m = path.match(/^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)\/(recordings|transcriptions)$/)) && method === 'GET') {
			return { endpoint: m[3] === 'recordings' ? 'listRecordings' : 'listTranscriptions', kind: m[3], type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
		}
		if ((m = path.match(/^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)\/([^/]+)\/(recordings|transcriptions)\/([^/]+)$/)) && method === 'DELETE') {
			return {
				endpoint: m[4] === 'recordings' ? 'deleteRecording' : 'deleteTranscription',
				kind: m[4],
				type: decodeURIComponent(m[1]),
				id: decodeURIComponent(m[2]),
				session: decodeURIComponent(m[3]),
				filename: decodeURIComponent(m[5]),
			};
		}
		if (method === 'POST' && path === '/api/v2/video/calls') return { endpoint: 'queryCalls' };
		if ((m = path.match(/^\/api\/v2\/tasks\/([^/]+)$/)) && method === 'GET') return { endpoint: 'getTask', taskId: decodeURIComponent(m[1]) };
		if ((m = path.match(/^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)\/delete$/)) && method === 'POST') {
			return { endpoint: 'deleteCall', type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
		}
		if ((m = path.match(/^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)$/))) {
			if (method === 'GET') return { endpoint: 'getCall', type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
			if (method === 'POST') return { endpoint: 'getOrCreateCall', type: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
		}
		return undefined;
	}

	function handle(ctx) {
		const target = route(ctx.method, ctx.path);
		if (!target) return ctx.respond(404, errorBody(404, 16, `Unknown endpoint ${ctx.method} ${ctx.path}`));
		const auth = authenticate(ctx);
		if (auth.error) return ctx.respond(...auth.error);
		const limited = rateLimit(auth.apiKey, target.endpoint);
		const reply = (status, body) => ctx.respond(status, body, limited.headers);
		if (limited.limited) return reply(429, defaultErrorFor(429));
		if (ctx.body && ctx.body.__invalidJson) return reply(400, errorBody(400, 4, 'invalid JSON body'));

		if (target.endpoint === 'getTask') {
			const task = state.tasks.get(target.taskId);
			// [Unstated] the answer for an unknown task: like any missing resource, code 16 (HTTP 404 per DOCS api_errors_response).
			if (!task) return reply(404, errorBody(404, 16, `GetTask failed with error: "task ${target.taskId} does not exist"`));
			return reply(200, taskResponse(task));
		}
		if (target.endpoint === 'queryCalls') return queryCalls(ctx.body ?? {}, reply);

		const { type, id } = target;
		const operation = OPERATION_NAMES[target.endpoint];
		if (!ID_PATTERN.test(type) || !ID_PATTERN.test(id)) {
			return reply(400, errorBody(400, 4, `${operation} failed with error: "type and id must match ^[A-Za-z0-9_-]{1,64}$"`));
		}
		if (!state.callTypes.has(type)) {
			return reply(404, errorBody(404, 16, `${operation} failed with error: "call type does not exist"`));
		}
		const cid = `${type}:${id}`;
		const call = state.calls.get(cid);
		// After a soft or hard delete GetCall fails with code 16 "Can't find call with id" (getstream-go client_test.go
		// TestDeleteCall); code 16 is HTTP 404 (DOCS api_errors_response).
		if (!call || call.deleted) {
			return reply(404, errorBody(404, 16, `${operation} failed with error: "Can't find call with id ${cid}"`));
		}
		if (target.endpoint === 'getCall' || target.endpoint === 'getOrCreateCall') {
			// SPEC: GetCall 200, GetOrCreateCall 201; GetCallResponse {call, members, own_capabilities, duration}.
			return reply(target.endpoint === 'getCall' ? 200 : 201, { call: callResponse(call), members: membersOf(call), own_capabilities: [], duration: '0.31ms' });
		}
		if (target.kind) {
			const files = call[target.kind];
			// SPEC: ListRecordings / ListTranscriptions 200 {duration, recordings|transcriptions}, no paging.
			if (ctx.method === 'GET') return reply(200, { [target.kind]: files.map((file) => ({ ...file })), duration: '0.52ms' });
			const index = files.findIndex((file) => file.session_id === target.session && file.filename === target.filename);
			// DOCS recording/manage: "An error will be returned if the recording doesn't exist"; the SDK's test expects
			// code 16 'DeleteTranscription failed with error: "transcription doesn't exist"' (code 16 = HTTP 404).
			if (index < 0) {
				const what = target.kind === 'recordings' ? 'recording' : 'transcription';
				return reply(404, errorBody(404, 16, `${operation} failed with error: "${what} doesn't exist"`));
			}
			files.splice(index, 1);
			// SPEC: DeleteRecording / DeleteTranscription 200 {duration}.
			return reply(200, { duration: '1.02ms' });
		}
		const hard = ctx.body?.hard === true;
		if (hard && auth.payload.user_id !== undefined) {
			return reply(403, errorBody(403, 17, 'DeleteCall failed with error: "hard delete requires server-side authentication"'));
		}
		// DOCS gdpr/calls: soft delete makes the call and its data unreachable through the API; hard delete wipes the call
		// and its members, sessions, recordings and transcriptions (stored on Stream), asynchronously with a task_id.
		const failsThisTime = hard && call.hardDeleteFailuresLeft > 0;
		if (failsThisTime) call.hardDeleteFailuresLeft -= 1;
		else {
			call.deleted = true;
			call.deletedMode = hard ? 'hard' : 'soft';
		}
		// SPEC: DeleteCall 201; SDK DeleteCallResponse {duration, call, task_id?}.
		const body = { call: callResponse(call), duration: '1.23ms' };
		if (hard) {
			if (!failsThisTime) {
				call.recordings = [];
				call.transcriptions = [];
			}
			const taskId = uuid();
			const createdAt = Date.now();
			state.tasks.set(taskId, {
				id: taskId,
				createdAt,
				runningAt: createdAt + state.config.taskPendingMs,
				finishAt: createdAt + state.config.taskPendingMs + state.config.taskRunningMs,
				fail: call.hardDeleteFails || failsThisTime,
				format: 'ns',
			});
			body.task_id = taskId;
		}
		return reply(201, body);
	}

	function queryCalls(body, reply) {
		const limit = body.limit ?? 25; // [Unstated] the default page size; 25 chosen, the node always sends a limit
		if (typeof limit !== 'number' || limit < 0 || limit > 100) {
			return reply(400, errorBody(400, 4, 'QueryCalls failed with error: "limit must be between 0 and 100"'));
		}
		const sort = Array.isArray(body.sort) && body.sort.length > 0 ? body.sort : [{ field: 'created_at', direction: -1 }];
		if (sort.length > 2) return reply(400, errorBody(400, 4, 'QueryCalls failed with error: "sort accepts at most 2 fields"'));
		let matches;
		try {
			const live = [...state.calls.values()].filter((call) => !call.deleted);
			matches = live.filter((call) => evaluate(body.filter_conditions ?? {}, call));
		} catch (error) {
			return reply(400, errorBody(400, 4, `QueryCalls failed with error: "${error.message}"`));
		}
		matches.sort((a, b) => {
			for (const { field, direction } of sort) {
				const left = String(a[field] ?? '');
				const right = String(b[field] ?? '');
				if (left !== right) return (left < right ? -1 : 1) * (direction === -1 ? -1 : 1);
			}
			return a.cid < b.cid ? -1 : 1;
		});
		// SDK QueryCallsRequest: `next` or `prev`, each a cursor from an earlier answer. [Unstated] the cursor's form: here
		// the base64 offset of the page it points to, so `prev` leads back to the page before, as `next` leads on.
		const cursor = body.next || body.prev;
		const offset = cursor ? Number(Buffer.from(String(cursor), 'base64').toString('utf8')) || 0 : 0;
		const page = matches.slice(offset, offset + limit);
		const response = {
			// SDK QueryCallsResponse: {calls: CallStateResponseFields[], next?, prev?, duration}; SPEC: 201.
			calls: page.map((call) => ({ call: callResponse(call), members: membersOf(call), own_capabilities: [] })),
			duration: '2.10ms',
		};
		if (offset + limit < matches.length) response.next = Buffer.from(String(offset + limit)).toString('base64');
		if (offset > 0) response.prev = Buffer.from(String(Math.max(0, offset - limit))).toString('base64');
		return reply(201, response);
	}

	return {
		errorBody: defaultErrorFor,
		handle,
		reset,
		controls: {
			seedCalls,
			seedUsers,
			seedTasks,
			configure(config) {
				Object.assign(state.config, config, { rateLimits: { ...state.config.rateLimits, ...(config.rateLimits ?? {}) } });
			},
			addApp(apiKey, apiSecret) {
				state.apps.set(apiKey, apiSecret);
			},
			getCall(type, id) {
				const call = state.calls.get(`${type}:${id}`);
				return call ? { ...call } : undefined;
			},
			getTask(taskId) {
				const task = state.tasks.get(taskId);
				return task ? taskResponse(task) : undefined;
			},
			listCalls() {
				return [...state.calls.values()].map((call) => ({ ...call }));
			},
		},
	};
}

const LAYOUT = { name: 'spotlight', external_app_url: '', external_css_url: '' };

/**
 * CallSettingsResponse (SDK models): all 16 parts required, each with the fields its own model requires (AudioSettingsResponse,
 * BackstageSettingsResponse, BroadcastSettingsResponse with HLSSettingsResponse and RTMPSettingsResponse,
 * EncryptionSettingsResponse, FrameRecordingSettingsResponse, GeofenceSettingsResponse,
 * IndividualRecordingSettingsResponse, LimitsSettingsResponse, RawRecordingSettingsResponse, RecordSettingsResponse,
 * RingSettingsResponse, ScreensharingSettingsResponse, SessionSettingsResponse, ThumbnailsSettingsResponse,
 * TranscriptionSettingsResponse, VideoSettingsResponse; layouts are LayoutSettingsResponse). Enum values are the SDK
 * models' own. [Unstated] which values a call type has: those of a plain "default" type, recording and transcription
 * available but off, nothing broadcast; the nodes read none of them.
 */
function callSettings() {
	return {
		audio: {
			access_request_enabled: false,
			default_device: 'speaker',
			hifi_audio_enabled: false,
			mic_default_on: true,
			opus_dtx_enabled: true,
			redundant_coding_enabled: true,
			speaker_default_on: true,
		},
		backstage: { enabled: false },
		broadcasting: {
			enabled: false,
			hls: { auto_on: false, enabled: false, quality_tracks: ['720p'], layout: { ...LAYOUT } },
			rtmp: { enabled: false, quality: '720p', layout: { ...LAYOUT } },
		},
		encryption: { mode: 'disabled' },
		frame_recording: { capture_interval_in_seconds: 5, mode: 'disabled' },
		geofencing: { names: [] },
		individual_recording: { mode: 'disabled' },
		limits: { max_participants_exclude_roles: [] },
		raw_recording: { mode: 'disabled' },
		recording: { audio_only: false, mode: 'available', quality: '720p', layout: { ...LAYOUT } },
		ring: { auto_cancel_timeout_ms: 30_000, incoming_call_timeout_ms: 15_000, missed_call_timeout_ms: 30_000 },
		screensharing: { access_request_enabled: false, enabled: true },
		session: { inactivity_timeout_seconds: 30 },
		thumbnails: { enabled: false },
		transcription: { closed_caption_mode: 'available', language: 'auto', mode: 'available' },
		video: {
			access_request_enabled: false,
			camera_default_on: false,
			camera_facing: 'front',
			enabled: true,
			target_resolution: { width: 1280, height: 720 },
		},
	};
}

const DATE_FIELDS = new Set(['created_at', 'updated_at', 'ended_at', 'starts_at']);
const STRING_FIELDS = new Set(['id', 'cid', 'type', 'team', 'created_by_user_id', 'parent_call_cid']);
const OPERATORS = new Set(['$eq', '$exists', '$gt', '$gte', '$in', '$lt', '$lte', '$contains']);

const OPERATION_NAMES = {
	deleteCall: 'DeleteCall',
	getCall: 'GetCall',
	getOrCreateCall: 'GetOrCreateCall',
	listRecordings: 'ListRecordings',
	listTranscriptions: 'ListTranscriptions',
	deleteRecording: 'DeleteRecording',
	deleteTranscription: 'DeleteTranscription',
};

function fieldValue(call, field) {
	if (field === 'created_by_user_id') return call.created_by_user_id;
	// DOCS querying-calls: `ongoing` = the call currently has participants (not "ended_at is null").
	if (field === 'ongoing') return call.participants.length > 0;
	if (field === 'backstage') return false;
	if (field === 'parent_call_cid') return null;
	if (field.startsWith('custom.')) return call.custom[field.slice(7)];
	return call[field];
}

/**
 * Stream's filter_conditions: field conditions, $and / $or, a bare value meaning $eq. Fields and operators as in
 * SPEC x-stream-filter-fields: `members` takes $in only, `ongoing` and `backstage` $eq only.
 */
function evaluate(filter, call) {
	return Object.entries(filter).every(([key, condition]) => {
		if (key === '$and') return condition.every((part) => evaluate(part, call));
		if (key === '$or') return condition.some((part) => evaluate(part, call));
		const known = DATE_FIELDS.has(key) || STRING_FIELDS.has(key) || key === 'ongoing' || key === 'backstage' || key === 'members' || key.startsWith('custom.');
		if (!known) throw new Error(`field ${key} is not supported for filtering`);
		const value = key === 'members' ? call.members : fieldValue(call, key);
		const ops = condition !== null && typeof condition === 'object' && !Array.isArray(condition) ? condition : { $eq: condition };
		return Object.entries(ops).every(([op, expected]) => {
			if (!OPERATORS.has(op)) throw new Error(`operator ${op} is not supported`);
			if (key === 'members' && op !== '$in') throw new Error(`operator ${op} is not supported for field members`);
			if ((key === 'ongoing' || key === 'backstage') && op !== '$eq') throw new Error(`operator ${op} is not supported for field ${key}`);
			const compare = (a, b) => (DATE_FIELDS.has(key) ? Date.parse(a) - Date.parse(b) : a < b ? -1 : a > b ? 1 : 0);
			switch (op) {
				case '$exists':
					return expected ? value !== null && value !== undefined : value === null || value === undefined;
				case '$eq':
					return DATE_FIELDS.has(key) ? value !== null && compare(value, expected) === 0 : value === expected;
				case '$in':
					return key === 'members' ? value.some((member) => expected.includes(member)) : expected.includes(value);
				case '$contains':
					return Array.isArray(value) ? value.includes(expected) : String(value ?? '').includes(expected);
				default: {
					if (value === null || value === undefined) return false;
					const order = compare(value, expected);
					return op === '$gt' ? order > 0 : op === '$gte' ? order >= 0 : op === '$lt' ? order < 0 : order <= 0;
				}
			}
		});
	});
}

module.exports = { createStream };
