'use strict';
// Microsoft identity platform (client-credentials token) and Graph calls API, per api-spec.md section 2.
// Sources: microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0/api/call-delete.md (DELETE answers 204, the
// call then terminates), call-get.md and resources/call.md (states), concepts/errors.md and throttling.md (error envelope,
// 429 + Retry-After), auth-v2-service.md (client-credentials token); 404 code 8522 "Call not found." from
// microsoft-graph-comms-samples issues 81/173. A terminated call is answered 404 like an unknown one.
const crypto = require('node:crypto');

const { uuid } = require('./common');

function graphError(code, message, clientRequestId) {
	return {
		error: {
			code,
			message,
			innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': uuid(), 'client-request-id': clientRequestId },
		},
	};
}

function tokenError(status, error, aadsts, description) {
	return [
		status,
		{
			error,
			error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${uuid()}\r\nCorrelation ID: ${uuid()}\r\nTimestamp: ${new Date().toISOString()}`,
			error_codes: [aadsts],
			timestamp: new Date().toISOString(),
			trace_id: uuid(),
			correlation_id: uuid(),
		},
	];
}

/**
 * The scopes Entra accepts for Microsoft Graph: `<Graph host>/.default` of the global service and each national cloud
 * (microsoft-graph-docs-contrib concepts/deployments.md: graph.microsoft.com, graph.microsoft.us, dod-graph.microsoft.us,
 * microsoftgraph.chinacloudapi.cn), or Graph's application ID (00000003-0000-0000-c000-000000000000) with `/.default`.
 * [Unstated] that one token service serves every cloud: the emulator stands in for all of them, as tests pick a cloud.
 */
const GRAPH_RESOURCE_SCOPES = new Set(
	[
		'https://graph.microsoft.com',
		'https://graph.microsoft.us',
		'https://dod-graph.microsoft.us',
		'https://microsoftgraph.chinacloudapi.cn',
		'00000003-0000-0000-c000-000000000000',
	].map((resource) => `${resource}/.default`),
);

function createGraph({ graphUrl }) {
	let state;
	function reset() {
		state = {
			tenant: {
				tenantId: '00000000-0000-4000-8000-000000000001',
				clientId: '00000000-0000-4000-8000-000000000002',
				clientSecret: 'sandbox-graph-secret',
				consentGranted: true,
			},
			tokenTtlSeconds: 3599,
			tokens: new Map(),
			calls: new Map(),
			throttle: undefined,
		};
	}
	reset();

	function issueToken(ctx) {
		const m = ctx.path.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
		if (!m || ctx.method !== 'POST') return ctx.respond(404, { error: 'not_found', error_description: 'Unknown endpoint' });
		const form = ctx.body ?? {};
		const tenant = decodeURIComponent(m[1]);
		if (form.grant_type !== 'client_credentials') {
			return ctx.respond(...tokenError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.'));
		}
		if (tenant !== state.tenant.tenantId) {
			return ctx.respond(
				...tokenError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
			);
		}
		if (form.client_id !== state.tenant.clientId) {
			return ctx.respond(
				...tokenError(400, 'unauthorized_client', 700016, `Application with identifier '${form.client_id}' was not found in the directory.`),
			);
		}
		if (form.client_secret !== state.tenant.clientSecret) {
			return ctx.respond(
				...tokenError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.'),
			);
		}
		// Entra ID accepts a client-credentials scope only as a resource's `.default` (auth-v2-service.md: "The value passed
		// for the scope parameter in this request should be the resource identifier (application ID URI) of the resource you
		// want, affixed with the .default suffix"), and for Graph that resource is the cloud's Graph host (deployments.md) or
		// Graph's application ID. The emulator's own Graph URL is no resource Entra knows, just as a proxy's is not.
		if (!GRAPH_RESOURCE_SCOPES.has(String(form.scope ?? '').trim())) {
			return ctx.respond(...tokenError(400, 'invalid_scope', 1002012, `The provided value for scope ${form.scope} is not valid.`));
		}
		if (!state.tenant.consentGranted) {
			// [Unstated] how a missing admin consent shows for client credentials: AADSTS65001, as Entra ID reports it for consent
			return ctx.respond(...tokenError(400, 'invalid_grant', 65001, 'The user or administrator has not consented to use the application.'));
		}
		const token = `eyJ0eXAiOiJKV1QifQ.${crypto.randomBytes(24).toString('base64url')}.${crypto.randomBytes(16).toString('base64url')}`;
		state.tokens.set(token, Date.now() + state.tokenTtlSeconds * 1000);
		return ctx.respond(200, { token_type: 'Bearer', expires_in: state.tokenTtlSeconds, ext_expires_in: state.tokenTtlSeconds, access_token: token });
	}

	function callBody(call, version) {
		return {
			'@odata.context': `${graphUrl}/${version}/$metadata#communications/calls/$entity`,
			'@odata.type': '#microsoft.graph.call',
			id: call.id,
			state: call.state,
			direction: call.direction ?? 'outgoing',
			callbackUri: 'https://bot.example.com/callback',
			source: { identity: { application: { id: state.tenant.clientId } } },
			targets: call.targets ?? [],
			requestedModalities: ['audio'],
			mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
			myParticipantId: call.myParticipantId,
			chatInfo: null,
			meetingInfo: null,
			resultInfo: null,
			callChainId: call.callChainId,
			subject: call.subject ?? null,
		};
	}

	function handle(ctx) {
		const clientRequestId = ctx.headers['client-request-id'] ?? uuid();
		const headers = { 'request-id': uuid(), 'client-request-id': clientRequestId, Date: new Date().toUTCString() };
		const reply = (status, body, extra = {}) => ctx.respond(status, body, { ...headers, ...extra });
		const m = ctx.path.match(/^\/([^/]+)\/communications\/calls\/([^/]+)$/);
		if (!m) return reply(400, graphError('BadRequest', `Resource not found for the segment '${ctx.path}'.`, clientRequestId));
		const [, version, rawId] = m;
		if (version !== 'v1.0' && version !== 'beta') return reply(400, graphError('BadRequest', `Invalid version: ${version}`, clientRequestId));
		const auth = ctx.headers.authorization ?? '';
		if (!auth.startsWith('Bearer ') || auth.length <= 7) {
			return reply(401, graphError('InvalidAuthenticationToken', 'Access token is empty.', clientRequestId));
		}
		const expiresAt = state.tokens.get(auth.slice(7));
		if (expiresAt === undefined) return reply(401, graphError('InvalidAuthenticationToken', 'Access token validation failure.', clientRequestId));
		if (expiresAt <= Date.now()) {
			return reply(401, graphError('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', clientRequestId));
		}
		if (state.throttle) {
			const now = Date.now();
			state.throttle.sent = state.throttle.sent.filter((at) => at > now - state.throttle.windowMs);
			if (state.throttle.sent.length >= state.throttle.limit) {
				return reply(429, graphError('TooManyRequests', 'Too many requests.', clientRequestId), { 'Retry-After': String(state.throttle.retryAfter) });
			}
			state.throttle.sent.push(now);
		}
		const id = decodeURIComponent(rawId);
		const call = state.calls.get(id);
		if (!call || call.state === 'terminated') {
			return reply(404, graphError(call?.notFoundCode ?? '8522', 'Call not found.', clientRequestId));
		}
		if (ctx.method === 'GET') return reply(200, callBody(call, version));
		if (ctx.method === 'DELETE') {
			call.state = 'terminated';
			return reply(204, undefined);
		}
		return reply(405, graphError('Request_BadRequest', 'Method not allowed.', clientRequestId));
	}

	return {
		errorBody(status) {
			if (status === 429) return graphError('TooManyRequests', 'Too many requests.', uuid());
			if (status >= 500) return graphError('ServiceNotAvailable', 'The service is temporarily unavailable.', uuid());
			return graphError('BadRequest', 'Bad request.', uuid());
		},
		tokenErrorBody(status) {
			return tokenError(status, 'temporarily_unavailable', 50001, 'The service is temporarily unavailable.')[1];
		},
		handle,
		issueToken,
		reset,
		controls: {
			seedCalls(calls) {
				for (const call of calls) {
					state.calls.set(call.id, {
						id: call.id,
						state: call.state ?? 'established',
						notFoundCode: call.notFoundCode,
						direction: call.direction,
						subject: call.subject,
						// invitationParticipantInfo (Graph call resource): {identity: {user: {id, displayName}}} per person invited.
						targets: (call.targets ?? []).map((user) => ({ identity: { user: { id: user.id, displayName: user.displayName } } })),
						myParticipantId: uuid(),
						callChainId: uuid(),
					});
				}
			},
			configure(config) {
				if (config.tokenTtlSeconds !== undefined) state.tokenTtlSeconds = config.tokenTtlSeconds;
				for (const key of ['tenantId', 'clientId', 'clientSecret', 'consentGranted']) {
					if (config[key] !== undefined) state.tenant[key] = config[key];
				}
				if (config.throttle !== undefined) {
					state.throttle = config.throttle ? { ...config.throttle, sent: [] } : undefined;
				}
			},
			expireAllTokens() {
				for (const token of state.tokens.keys()) state.tokens.set(token, 0);
			},
			issuedTokens() {
				return [...state.tokens.keys()];
			},
			getCall(id) {
				const call = state.calls.get(id);
				return call ? { ...call } : undefined;
			},
		},
	};
}

module.exports = { createGraph };
