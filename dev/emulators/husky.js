'use strict';
// HuskyVoice REST API and inbound webhook. Sources: docs.huskyvoice.ai/api/ pages "Deleting Calls" (DEL), "API Keys"
// (KEYS), "Cancelling Calls" (CANCEL), "Call Status" (STATUS), "Inbound Webhooks" (HOOKS), "Rate Limits" (RATE).
// Where no page says, the comment says "[Unstated]" and the choice made.

const NOT_FOUND_DELETE = 'No completed call with that call_id exists for your organization';
const ALL_SCOPES = ['calls:create', 'calls:read', 'calls:cancel', 'calls:delete'];

const huskyError = (code, message) => ({ error: { code, message } });

function createHusky() {
	let state;
	function reset() {
		state = {
			keys: new Map([['sk_test_sandbox', ALL_SCOPES]]),
			webhookTokens: new Set(['whk_sandbox_token']),
			calls: new Map(),
			windows: new Map(),
			config: { rateLimitPerMinute: 60, windowMs: 60_000, acceptHeaders: ['x-api-key', 'bearer'] },
		};
	}
	reset();

	/** RATE: 60 requests per minute per key, sliding window, 429 + Retry-After. [Unstated] whether refused requests count: they do not. */
	function rateLimit(key) {
		const now = Date.now();
		const sent = (state.windows.get(key) ?? []).filter((at) => at > now - state.config.windowMs);
		state.windows.set(key, sent);
		if (sent.length >= state.config.rateLimitPerMinute) {
			const retryAfter = Math.max(1, Math.ceil((sent[0] + state.config.windowMs - now) / 1000));
			return { retryAfter };
		}
		sent.push(now);
		return undefined;
	}

	function apiKeyOf(headers) {
		const accepted = state.config.acceptHeaders;
		const fromHeader = accepted.includes('x-api-key') ? headers['x-api-key'] : undefined;
		const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '');
		const fromBearer = accepted.includes('bearer') && bearer ? bearer[1] : undefined;
		if (fromHeader && fromBearer && fromHeader !== fromBearer) return undefined;
		return fromHeader ?? fromBearer;
	}

	function callBody(call) {
		return {
			call_id: call.call_id,
			status: call.status,
			agent_id: call.agent_id ?? 'agent_sandbox',
			contact_number: call.contact_number ?? '+15550100',
			contact_name: call.contact_name ?? 'Sandbox Contact',
			created_at: call.created_at,
			updated_at: call.updated_at,
			duration_seconds: call.status === 'completed' ? 42 : 0,
		};
	}

	/**
	 * DEL: only completed calls can be deleted, and the record is removed; 404 NOT_FOUND "No completed call with that
	 * call_id exists for your organization" for unknown, pending, cancelled and already deleted calls alike;
	 * success 200 {"data": {"call_id", "deleted": true}}.
	 */
	function remove(callId, reply) {
		const call = state.calls.get(callId);
		if (!call || call.status !== 'completed') return reply(404, huskyError('NOT_FOUND', NOT_FOUND_DELETE));
		state.calls.delete(callId);
		return reply(200, { data: { call_id: callId, deleted: true } });
	}

	function handle(ctx) {
		const reply = (status, body, headers) => ctx.respond(status, body, headers);
		const hook = ctx.path.match(/^\/v1\/hooks\/([^/]+)$/);
		let key;
		let scope;
		if (hook) {
			if (ctx.method !== 'POST') return reply(405, huskyError('METHOD_NOT_ALLOWED', 'Use POST'));
			const token = decodeURIComponent(hook[1]);
			if (!state.webhookTokens.has(token)) return reply(401, huskyError('UNAUTHORIZED', 'Invalid webhook token'));
			key = `hook:${token}`;
		} else {
			key = apiKeyOf(ctx.headers);
			if (!key || !state.keys.has(key)) return reply(401, huskyError('UNAUTHORIZED', 'Invalid or missing API key'));
		}
		const limited = rateLimit(key);
		if (limited) {
			return reply(429, huskyError('RATE_LIMIT_EXCEEDED', `Rate limit exceeded. Retry after ${limited.retryAfter} seconds.`), {
				'Retry-After': String(limited.retryAfter),
			});
		}
		if (ctx.body && ctx.body.__invalidJson) return reply(400, huskyError('VALIDATION_ERROR', 'Body is not valid JSON'));
		// HOOKS: POST /v1/hooks/{token} {"action": "call.delete", "data": {"call_id"}}; [Unstated] its answers: the REST
		// delete's answers are used.
		if (hook) {
			const body = ctx.body ?? {};
			if (body.action !== 'call.delete') return reply(400, huskyError('VALIDATION_ERROR', 'action must be "call.delete"'));
			const callId = body.data?.call_id;
			if (typeof callId !== 'string' || callId === '') return reply(400, huskyError('VALIDATION_ERROR', 'data.call_id is required'));
			return remove(callId, reply);
		}
		const m = ctx.path.match(/^\/v1\/calls\/([^/]+)(\/cancel)?$/);
		if (!m) return reply(404, huskyError('NOT_FOUND', 'Unknown endpoint'));
		const callId = decodeURIComponent(m[1]);
		const route = m[2] ? `${ctx.method} cancel` : ctx.method;
		scope = { DELETE: 'calls:delete', GET: 'calls:read', 'POST cancel': 'calls:cancel' }[route];
		if (!scope) return reply(405, huskyError('METHOD_NOT_ALLOWED', 'Method not allowed'));
		// KEYS: keys are scoped (calls:create/read/cancel/delete). [Unstated] the answer to a missing scope: 403 FORBIDDEN.
		if (!state.keys.get(key).includes(scope)) return reply(403, huskyError('FORBIDDEN', `API key lacks the ${scope} scope`));
		if (route === 'DELETE') return remove(callId, reply);
		const call = state.calls.get(callId);
		// STATUS: GET answers {"data": {..., "status"}}. [Unstated] the answer for an unknown (or deleted) call: 404
		// NOT_FOUND in the documented error envelope.
		if (!call) return reply(404, huskyError('NOT_FOUND', 'Call not found'));
		if (route === 'GET') return reply(200, { data: callBody(call) });
		// CANCEL: only from queued, repeat-safe, 200 {success, call_id, status: "cancelled", message}; keeps the record.
		if (call.status === 'queued' || call.status === 'cancelled') {
			call.status = 'cancelled';
			call.updated_at = new Date().toISOString();
			return reply(200, { success: true, call_id: callId, status: 'cancelled', message: 'Call has been successfully cancelled.' });
		}
		// [Unstated] the answer to cancelling outside `queued` (CANCEL only says it works from queued): 409 INVALID_STATE.
		return reply(409, huskyError('INVALID_STATE', `Call cannot be cancelled in status '${call.status}'`));
	}

	return {
		errorBody(status) {
			if (status === 429) return huskyError('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded. Retry after 1 seconds.');
			if (status >= 500) return huskyError('INTERNAL_ERROR', 'Internal server error');
			return huskyError('BAD_REQUEST', 'Bad request');
		},
		handle,
		reset,
		controls: {
			seedCalls(calls) {
				const now = new Date().toISOString();
				for (const call of calls) state.calls.set(call.call_id, { created_at: now, updated_at: now, ...call, status: call.status ?? 'completed' });
			},
			configure(config) {
				Object.assign(state.config, config);
			},
			addKey(key, options = {}) {
				state.keys.set(key, options.scopes ?? ALL_SCOPES);
			},
			addWebhookToken(token) {
				state.webhookTokens.add(token);
			},
			getCall(callId) {
				const call = state.calls.get(callId);
				return call ? { ...call } : undefined;
			},
		},
	};
}

module.exports = { createHusky };
