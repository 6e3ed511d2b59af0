'use strict';
// One loopback HTTP server hosting the three API emulators and a scripted OpenAI-compatible chat model, fault injection, a request log and a control API.
const http = require('node:http');

const { parseBody, send } = require('./common');
const { createFaults } = require('./faults');
const { createGraph } = require('./graph');
const { createHusky } = require('./husky');
const { createOpenAi, OPENAI_API_KEY } = require('./openai');
const { createStream } = require('./stream');

const SANDBOX = {
	stream: { apiKey: 'sandbox-stream-key', apiSecret: 'sandbox-stream-secret' },
	graph: {
		tenantId: '00000000-0000-4000-8000-000000000001',
		clientId: '00000000-0000-4000-8000-000000000002',
		clientSecret: 'sandbox-graph-secret',
	},
	husky: { apiKey: 'sk_test_sandbox', webhookToken: 'whk_sandbox_token' },
	openai: { apiKey: OPENAI_API_KEY },
};

const MAX_LOG_ENTRIES = 200_000;
const PREFIXES = [
	['/stream', 'stream'],
	['/graph', 'graph'],
	['/login', 'login'],
	['/husky', 'husky'],
	['/openai', 'openai'],
];

function seedSandbox(emulator) {
	const ago = (days) => new Date(Date.now() - days * 86_400_000).toISOString();
	emulator.stream.seedCalls([
		...[1, 2, 3, 4, 5].map((n) => ({
			type: 'default',
			id: `demo-${n}`,
			created_at: ago(41),
			ended_at: ago(40),
			members: ['sandbox-user', `guest-${n}`],
			recordings: [{ session_id: `session-${n}`, filename: `rec_demo-${n}_1.mp4`, end_time: ago(40) }],
			transcriptions: [{ session_id: `session-${n}`, filename: `transcript_demo-${n}_1.jsonl`, end_time: ago(40) }],
		})),
		// Everyone left without ending it: ended_at stays null, and it is not live.
		{ type: 'default', id: 'left-open-1', created_at: ago(35), ended_at: null, members: ['erase-me'] },
		{ type: 'default', id: 'erase-me-1', created_at: ago(3), ended_at: ago(3), members: ['erase-me', 'sandbox-user'] },
		{ type: 'default', id: 'live-1', created_at: ago(0), ended_at: null, participants: ['sandbox-user'] },
	]);
	// Finished hard-delete tasks for the "erasure complete" example's trigger.
	emulator.stream.seedTasks([
		{ taskId: 'task-demo-completed', status: 'completed' },
		{ taskId: 'task-demo-failed', status: 'failed' },
	]);
	emulator.graph.seedCalls([
		{ id: '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4', state: 'established' },
		{ id: '3e2b1d11-9b6f-4c45-8a7b-7e9f22c3b4d5', state: 'established' },
	]);
	emulator.husky.seedCalls([
		{ call_id: 'call_demo1', status: 'completed' },
		{ call_id: 'call_demo2', status: 'completed' },
		{ call_id: 'call_demo3', status: 'completed' },
		{ call_id: 'call_queued1', status: 'queued' },
	]);
}

/**
 * @param {{ port?: number, host?: string, seedSandbox?: boolean }} [options]
 */
async function createEmulatorServer({ port = 0, host = '127.0.0.1', seedSandbox: seed = true } = {}) {
	const sockets = new Set();
	const server = http.createServer();
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const url = `http://${host}:${server.address().port}`;
	const graphUrl = `${url}/graph`;
	const providers = { stream: createStream(), graph: createGraph({ graphUrl }), husky: createHusky(), openai: createOpenAi() };
	const faults = createFaults();
	let entries = [];
	let seq = 0;
	const counters = {};
	const counter = (provider) =>
		(counters[provider] ??= { requests: 0, inFlight: 0, peakInFlight: 0, tooManyRequests: 0 });
	let latencyMs = {};

	const log = {
		entries(filter = {}) {
			return entries.filter((entry) => Object.entries(filter).every(([key, value]) => entry[key] === value));
		},
		clear() {
			entries = [];
		},
	};

	function stats() {
		const result = {};
		for (const [provider, value] of Object.entries(counters)) result[provider] = { ...value };
		result.graphTokenRequests = counters.login?.requests ?? 0;
		return result;
	}

	const emulator = {
		url,
		port: server.address().port,
		streamBaseUrl: `${url}/stream`,
		graphUrl,
		authorityUrl: `${url}/login`,
		huskyBaseUrl: `${url}/husky/v1`,
		openAiBaseUrl: `${url}/openai/v1`,
		sandbox: SANDBOX,
		stream: providers.stream.controls,
		graph: providers.graph.controls,
		husky: providers.husky.controls,
		openai: providers.openai.controls,
		faults,
		log,
		stats,
		configure(config) {
			if (config.latencyMs) latencyMs = { ...latencyMs, ...config.latencyMs };
		},
		/** Back to the start: no calls, tasks, faults or log; the sandbox data too unless `seed: false` (or started without it). */
		reset({ seed: seedNow = seed } = {}) {
			for (const provider of Object.values(providers)) provider.reset();
			faults.clear();
			log.clear();
			for (const key of Object.keys(counters)) delete counters[key];
			latencyMs = {};
			if (seedNow) seedSandbox(emulator);
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};

	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('request', (req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			handleRequest(req, res, Buffer.concat(chunks)).catch((error) => send(res, 500, { error: String(error) }));
		});
	});

	async function handleRequest(req, res, raw) {
		const parsed = new URL(req.url, url);
		if (parsed.pathname.startsWith('/_control/')) return control(req, res, parsed, parseBody(raw, 'application/json'));
		const match = PREFIXES.find(([prefix]) => parsed.pathname === prefix || parsed.pathname.startsWith(`${prefix}/`));
		const provider = match ? match[1] : 'unknown';
		const path = match ? parsed.pathname.slice(match[0].length) : parsed.pathname;
		const started = Date.now();
		const entry = {
			seq: ++seq,
			at: started,
			provider,
			method: req.method,
			path: parsed.pathname,
			query: Object.fromEntries(parsed.searchParams),
			headers: req.headers,
			body: parseBody(raw, req.headers['content-type'] ?? ''),
			status: undefined,
		};
		entries.push(entry);
		if (entries.length > MAX_LOG_ENTRIES) entries.splice(0, entries.length - MAX_LOG_ENTRIES);
		const count = counter(provider);
		count.requests++;
		count.inFlight++;
		count.peakInFlight = Math.max(count.peakInFlight, count.inFlight);
		let done = false;
		const finish = (status) => {
			if (done) return;
			done = true;
			count.inFlight--;
			entry.status = status;
			entry.durationMs = Date.now() - started;
			if (status === 429) count.tooManyRequests++;
		};
		res.on('close', () => finish(entry.status ?? 'reset'));

		const fault = faults.match(provider, req.method, path);
		if (fault) entry.fault = fault.type;
		const delay = (fault?.type === 'latency' ? fault.latencyMs ?? 0 : 0) + (latencyMs[provider] ?? 0);
		if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

		const respond = (status, body, headers = {}) => {
			finish(status);
			send(res, status, body, headers);
		};
		if (fault?.type === 'reset') {
			finish('reset');
			return req.socket.destroy();
		}
		if (fault?.type === 'timeout') return finish('timeout');
		if (fault?.type === 'malformed') {
			finish(provider === 'stream' ? 201 : 200);
			res.writeHead(provider === 'stream' ? 201 : 200, { 'content-type': 'application/json' });
			return res.end('{"call": {"cid": "default:');
		}
		if (fault?.type === 'status') {
			const status = fault.status ?? 503;
			const headers = { ...(fault.headers ?? {}) };
			if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
			const body =
				fault.body ??
				(provider === 'login' ? providers.graph.tokenErrorBody(status) : providers[provider]?.errorBody(status) ?? { error: 'fault' });
			return respond(status, body, headers);
		}
		const ctx = {
			method: req.method,
			path,
			query: entry.query,
			headers: req.headers,
			body: entry.body,
			respond:
				fault?.type === 'actThenReset'
					? () => {
							finish('reset');
							req.socket.destroy();
						}
					: respond,
			/** A 200 text/event-stream answer: the given server-sent events, then the end of the response. */
			respondStream(status, events) {
				finish(status);
				if (res.destroyed || res.writableEnded) return;
				res.writeHead(status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
				for (const event of events) res.write(event);
				res.end();
			},
		};
		if (provider === 'login') return providers.graph.issueToken(ctx);
		if (providers[provider]) return providers[provider].handle(ctx);
		return respond(404, { error: 'unknown emulator path' });
	}

	/** The control API: the same controls as the JS object, for tests and scripts in other processes. */
	function control(req, res, parsed, body) {
		const parts = parsed.pathname.split('/').filter(Boolean).slice(1);
		const [area, action, ...rest] = parts;
		try {
			// POST /_control/reset re-seeds the sandbox data (when the server seeds it); `?seed=false` or `{"seed": false}` starts empty.
			if (area === 'reset' && req.method === 'POST') {
				const asked = body?.seed ?? (parsed.searchParams.has('seed') ? parsed.searchParams.get('seed') !== 'false' : undefined);
				return send(res, 200, (emulator.reset(asked === undefined ? {} : { seed: asked === true || asked === 'true' }), { ok: true }));
			}
			if (area === 'stats') return send(res, 200, stats());
			if (area === 'sandbox') return send(res, 200, { ...SANDBOX, urls: { streamBaseUrl: emulator.streamBaseUrl, graphUrl, authorityUrl: emulator.authorityUrl, huskyBaseUrl: emulator.huskyBaseUrl, openAiBaseUrl: emulator.openAiBaseUrl } });
			if (area === 'log') {
				if (req.method === 'DELETE') return send(res, 200, (log.clear(), { ok: true }));
				const filter = Object.fromEntries(parsed.searchParams);
				return send(res, 200, log.entries(filter));
			}
			if (area === 'faults') {
				if (req.method === 'DELETE') return send(res, 200, (faults.clear(), { ok: true }));
				if (req.method === 'POST') return send(res, 200, (faults.add(body), { ok: true }));
				return send(res, 200, faults.list());
			}
			if (area === 'configure' && req.method === 'POST') return send(res, 200, (emulator.configure(body ?? {}), { ok: true }));
			const controls = emulator[area];
			if (controls && typeof controls[action] === 'function') {
				const args = rest.length > 0 ? rest.map(decodeURIComponent) : body === undefined ? [] : body?.args ?? [body];
				return send(res, 200, { result: controls[action](...args) ?? null });
			}
			return send(res, 404, { error: `unknown control ${parsed.pathname}` });
		} catch (error) {
			return send(res, 400, { error: String(error.message ?? error) });
		}
	}

	emulator.reset();
	return emulator;
}

/** The data of each credential type, pointing at this emulator with the sandbox secrets. */
function emulatorCredentials(emulator) {
	return {
		streamVideoApi: { apiKey: SANDBOX.stream.apiKey, apiSecret: SANDBOX.stream.apiSecret, baseUrl: emulator.streamBaseUrl },
		microsoftGraphCallsApi: {
			tenantId: SANDBOX.graph.tenantId,
			clientId: SANDBOX.graph.clientId,
			clientSecret: SANDBOX.graph.clientSecret,
			cloud: 'custom',
			authorityUrl: emulator.authorityUrl,
			graphUrl: emulator.graphUrl,
			// The emulator's Graph URL stands where a proxy would: like Entra, its token service wants Graph's own scope.
			scope: 'https://graph.microsoft.com/.default',
		},
		huskyVoiceApi: { apiKey: SANDBOX.husky.apiKey, authHeader: 'xApiKey', baseUrl: emulator.huskyBaseUrl },
		huskyVoiceWebhookApi: { webhookToken: SANDBOX.husky.webhookToken, baseUrl: emulator.huskyBaseUrl },
		// n8n's own OpenAI credential (n8n-nodes-base OpenAiApi): its Base URL is where the OpenAI Chat Model sends requests.
		openAiApi: { apiKey: SANDBOX.openai.apiKey, url: emulator.openAiBaseUrl, header: false },
	};
}

module.exports = { createEmulatorServer, emulatorCredentials, SANDBOX };

if (require.main === module) {
	const portArg = process.argv.indexOf('--port');
	const port = portArg > -1 ? Number(process.argv[portArg + 1]) : 4010;
	createEmulatorServer({ port }).then((emulator) => {
		process.stdout.write(
			`${JSON.stringify({ url: emulator.url, streamBaseUrl: emulator.streamBaseUrl, graphUrl: emulator.graphUrl, authorityUrl: emulator.authorityUrl, huskyBaseUrl: emulator.huskyBaseUrl, openAiBaseUrl: emulator.openAiBaseUrl, sandbox: SANDBOX }, null, 2)}\n`,
		);
		const stop = () => emulator.close().then(() => process.exit(0));
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
}
