'use strict';
// Runs a REAL n8n (2.41.1 on Node 24, or the version N8N_VERSION names: see n8n-runtime.js) with this
// package installed as a community package, the way
// users get it: packed tarball → ~/.n8n/nodes. Used by the end-to-end tests, `npm start` and the benchmark.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { request } = require('undici');

const { ensureRuntime } = require('./n8n-runtime');

const REPO = path.resolve(__dirname, '..');
const ENCRYPTION_KEY = 'call-deletion-test-encryption-key';
const OWNER = { email: 'owner@example.com', firstName: 'Call', lastName: 'Deletion', password: 'CallDeletion1!' };

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** `npm pack` of the built package; returns the tarball path. */
function packPackage(destination = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-pack-'))) {
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return path.join(destination, JSON.parse(output)[0].filename);
}

/** Installs the tarball as n8n installs community packages: into <user folder>/.n8n/nodes. */
function installPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	execFileSync('npm', ['install', '--omit=peer', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
		cwd: nodesDir,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
}

/** What every n8n process here shares: its own user folder, the fixed encryption key, no telemetry, internal task runners. */
async function n8nEnv(runtime, userFolder, extra = {}) {
	return {
		PATH: `${path.dirname(runtime.nodeBin)}:${process.env.PATH}`,
		HOME: process.env.HOME,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Also what `n8n execute` needs: it prints the run through n8n's logger at level info.
		N8N_LOG_LEVEL: 'info',
		...extra,
	};
}

/**
 * `n8n execute`, the CLI path: its own user folder with the package installed, credentials and workflows
 * imported with `n8n import:*`, and each `execute(id)` a fresh n8n process (cold start included) that runs
 * the workflow from its Manual Trigger and prints the whole run.
 * @param {{ tarball?: string, env?: Record<string,string> }} options
 */
async function startN8nCli(options = {}) {
	const runtime = ensureRuntime();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-cli-'));
	if (options.tarball) installPackage(userFolder, options.tarball);
	const env = await n8nEnv(runtime, userFolder, {
		DB_TYPE: 'sqlite',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		...options.env,
	});
	// Asynchronous on purpose: the emulators that answer the workflow live in the caller's event loop. Output goes
	// to a file: n8n exits right after printing, and a pipe would lose the end of a large run.
	const cli = (args) =>
		new Promise((resolve, reject) => {
			const outFile = path.join(userFolder, 'cli-output.txt');
			const out = fs.openSync(outFile, 'w');
			const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], { env, stdio: ['ignore', out, 'pipe'] });
			let err = '';
			child.stderr.on('data', (chunk) => (err += chunk));
			child.once('exit', (code) => {
				fs.closeSync(out);
				const stdout = fs.readFileSync(outFile, 'utf8');
				fs.rmSync(outFile);
				if (code === 0) resolve(stdout);
				else reject(new Error(`n8n ${args[0]} exited with ${code}:\n${err.slice(-2000)}${stdout.slice(-2000)}`));
			});
		});
	const importJson = async (kind, list) => {
		const file = path.join(userFolder, `${kind}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(list));
		await cli([`import:${kind}`, `--input=${file}`]);
	};
	return {
		userFolder,
		/** @param {Array<{ id: string, name: string, type: string, data: object }>} credentials */
		importCredentials: (credentials) => importJson('credentials', credentials),
		/** @param {{ id: string, name: string, nodes: object[], connections: object }} workflow */
		importWorkflow: (workflow) => importJson('workflow', [{ active: false, settings: { executionOrder: 'v1' }, ...workflow }]),
		/** Runs the workflow in a new n8n process; answers the wall time and the run n8n printed. */
		async execute(id) {
			const started = Date.now();
			const stdout = await cli(['execute', `--id=${id}`, '--rawOutput']);
			const wallMs = Date.now() - started;
			const start = stdout.search(/^\{$/m);
			if (start < 0) throw new Error(`n8n execute printed no run:\n${stdout.slice(-2000)}`);
			return { wallMs, run: JSON.parse(stdout.slice(start)) };
		},
		remove: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

/** One HTTP call; `body` is sent as JSON, or as is when it is already a string. The answer's body is parsed when it is JSON. */
async function call(method, url, { body, headers = {} } = {}) {
	const response = await request(url, {
		method,
		headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		headersTimeout: 300_000,
		bodyTimeout: 300_000,
	});
	const text = await response.body.text();
	let json;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = text;
	}
	return { status: response.statusCode, headers: response.headers, body: json };
}

/**
 * Starts n8n and makes it usable: owner account, login cookie, public-API key.
 * @param {{ port?: number, userFolder?: string, tarball?: string, env?: Record<string,string>, quiet?: boolean }} options
 */
async function startN8n(options = {}) {
	const runtime = ensureRuntime();
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-n8n-'));
	if (options.tarball) installPackage(userFolder, options.tarball);
	const port = options.port ?? (await freePort());
	const baseUrl = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	let logs = '';
	let child;

	const env = await n8nEnv(runtime, userFolder, {
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		...options.env,
	});

	async function boot() {
		const started = Date.now();
		child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const capture = (chunk) => {
			const text = chunk.toString();
			logs += text;
			fs.appendFileSync(logFile, text);
			if (!options.quiet && process.env.N8N_E2E_VERBOSE) process.stderr.write(text);
		};
		child.stdout.on('data', capture);
		child.stderr.on('data', capture);
		let exited = false;
		child.once('exit', () => (exited = true));
		for (;;) {
			if (exited) throw new Error(`n8n exited during start:\n${logs.slice(-3000)}`);
			if (Date.now() - started > 180_000) throw new Error(`n8n did not become ready:\n${logs.slice(-3000)}`);
			try {
				// n8n 1.x reports ready once its database is migrated, a moment before its REST routes exist.
				const ready = await call('GET', `${baseUrl}/healthz/readiness`);
				if (ready.status === 200 && (await call('GET', `${baseUrl}/rest/settings`)).status === 200) return Date.now() - started;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	}

	let bootMs = await boot();
	let cookie;
	let apiKey;

	async function login() {
		const setup = await call('POST', `${baseUrl}/rest/owner/setup`, { body: OWNER });
		let response = setup;
		if (setup.status !== 200) {
			response = await call('POST', `${baseUrl}/rest/login`, { body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
		}
		const setCookie = [].concat(response.headers['set-cookie'] ?? []);
		cookie = setCookie.map((value) => value.split(';')[0]).join('; ');
		if (!cookie) throw new Error(`could not log in to n8n: ${JSON.stringify(response.body)}`);
	}

	const rest = async (method, route, body) => {
		// The editor's manual run: n8n 1.x wants the workflow itself in the body (2.x loads it by id and
		// ignores the field), so on 1.x it is added here, as the 1.x editor sends it.
		const manualRun = /^\/workflows\/([^/?]+)\/run$/.exec(route);
		if (manualRun && method === 'POST' && runtime.n8nMajor < 2 && body && !body.workflowData) {
			const workflow = await call('GET', `${baseUrl}/rest/workflows/${manualRun[1]}`, { headers: { cookie } });
			body = { ...body, workflowData: workflow.body?.data };
		}
		const response = await call(method, `${baseUrl}/rest${route}`, { body, headers: { cookie } });
		return response;
	};

	async function createApiKey() {
		const scopes = await rest('GET', '/api-keys/scopes');
		const created = await rest('POST', '/api-keys', { label: `tests-${Date.now()}`, scopes: scopes.body.data, expiresAt: null });
		apiKey = created.body?.data?.rawApiKey;
		if (!apiKey) throw new Error(`could not create an API key: ${JSON.stringify(created.body)}`);
	}

	try {
		await login();
		await createApiKey();
	} catch (error) {
		// Leave no n8n running behind a failed start.
		await stop();
		throw error;
	}

	const api = async (method, route, body) => {
		const response = await call(method, `${baseUrl}/api/v1${route}`, { body, headers: { 'X-N8N-API-KEY': apiKey } });
		if (response.status >= 400) throw new Error(`${method} /api/v1${route} → ${response.status}: ${JSON.stringify(response.body)}`);
		return response.body;
	};

	function stop() {
		return stopProcessGroup(child);
	}
	const onExit = () => {
		try {
			if (child && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	};
	process.once('exit', onExit);

	return {
		baseUrl,
		userFolder,
		owner: OWNER,
		get bootMs() {
			return bootMs;
		},
		logs: () => logs,
		api,
		rest,
		// Through the editor's endpoint, as a user creates one: n8n 1.x's public API rejects these credential
		// types with a schema error ("requires property allowedDomains"), for lack of a field n8n itself adds.
		async createCredential(name, type, data) {
			const created = await rest('POST', '/credentials', { name, type, data });
			const id = created.body?.data?.id;
			if (created.status !== 200 || !id) throw new Error(`could not create the ${type} credential: ${JSON.stringify(created.body)}`);
			return id;
		},
		async createWorkflow(workflow) {
			const { id } = await api('POST', '/workflows', {
				name: workflow.name,
				nodes: workflow.nodes,
				connections: workflow.connections,
				settings: workflow.settings ?? { executionOrder: 'v1' },
			});
			return id;
		},
		activate: (id) => api('POST', `/workflows/${id}/activate`),
		deactivate: (id) => api('POST', `/workflows/${id}/deactivate`),
		/** Calls a production webhook; with responseMode "lastNode" the answer is the last node's items. */
		webhook: (pathName, body) => call('POST', `${baseUrl}/webhook/${pathName}`, { body }),
		executions: async (workflowId) => (await api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=250`)).data,
		testCredential: async (credentials) => (await rest('POST', '/credentials/test', { credentials })).body,
		/** The editor's Stop button (n8n 1.x's public API has no stop endpoint). */
		async stopExecution(id) {
			const stopped = await rest('POST', `/executions/${id}/stop`);
			if (stopped.status !== 200) throw new Error(`could not stop execution ${id}: ${stopped.status} ${JSON.stringify(stopped.body)}`);
			return stopped.body;
		},
		stop,
		async restart() {
			await stop();
			// The task broker's port was free when this n8n first started; once it is released, any process on the machine
			// may take it (a restart once failed with "Task Broker's port ... is already in use"). Take a free one again.
			if (!options.env?.N8N_RUNNERS_BROKER_PORT) env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
			bootMs = await boot();
			await login();
		},
	};
}

/**
 * Starts an `n8n worker` (queue mode) with the package installed in its own user folder. The caller
 * passes the same database, Redis and encryption settings as the main instance.
 * @param {{ userFolder?: string, tarball?: string, env?: Record<string,string> }} options
 */
async function startWorker(options = {}) {
	const runtime = ensureRuntime();
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-worker-'));
	if (options.tarball) installPackage(userFolder, options.tarball);
	const env = await n8nEnv(runtime, userFolder, { QUEUE_HEALTH_CHECK_PORT: String(await freePort()), ...options.env });
	let logs = '';
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'worker', '--concurrency=5'], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const capture = (chunk) => (logs += chunk.toString());
	child.stdout.on('data', capture);
	child.stderr.on('data', capture);
	const started = Date.now();
	while (!logs.includes('n8n worker is now ready')) {
		if (child.exitCode !== null) throw new Error(`n8n worker exited during start:\n${logs.slice(-3000)}`);
		if (Date.now() - started > 180_000) throw new Error(`n8n worker did not become ready:\n${logs.slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	process.once('exit', () => {
		try {
			if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	});
	return {
		userFolder,
		logs: () => logs,
		stop: () => stopProcessGroup(child),
		/** Kills the worker and its task runner at once (SIGKILL to the process group), as a crash would; resolves when it is gone. */
		kill() {
			if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
			const gone = new Promise((resolve) => child.once('exit', resolve));
			process.kill(-child.pid, 'SIGKILL');
			return gone;
		},
	};
}

/** Stops an n8n process and its children (its process group): SIGTERM, then SIGKILL after 15 s. */
function stopProcessGroup(child) {
	if (!child || child.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 15_000);
		child.once('exit', async () => {
			clearTimeout(timer);
			// The rest of the group (n8n's task runner) may outlive the main process by a moment: wait until it is gone too.
			for (let waited = 0; waited < 10_000; waited += 100) {
				try {
					process.kill(-child.pid, 0);
				} catch {
					break;
				}
				await new Promise((done) => setTimeout(done, 100));
			}
			resolve();
		});
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			resolve();
		}
	});
}

module.exports = { startN8n, startN8nCli, startWorker, packPackage, installPackage, freePort, call, OWNER };
