'use strict';
// `npm run bench`: bulk deletion speed and memory, printed as figures and ratios (never asserted on time).
// Scenarios A–C run in ONE real n8n 2.41.1 with this package installed, side by side with n8n's own
// HTTP Request node set up as the providers' docs show, against the emulators on loopback. A adds a third
// subject, the speed floor (dev/bench-floor: the same requests through n8n's helper and nothing else, packed
// as its own package and installed next to ours, never shipped), and also runs all three through
// `n8n execute` (BENCH_A_SIZES=500,2000,10000 and BENCH_A_PAIRS=3 rounds by default).
// The memory check runs the node in-process (n8n-core) in a fresh child process per size.
//
//   node scripts/bench.js            all scenarios
//   node scripts/bench.js A C mem    a subset (R: signed against unsigned)
// Scenario D starts three more n8n instances (separate processes) that delete against one shared limit.
const { execFileSync, spawn } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { request } = require('undici');

const { startN8n, startN8nCli, packPackage, installPackage } = require('../dev/n8n-instance');
const { ensureRuntime } = require('../dev/n8n-runtime');
const { createEmulatorServer, SANDBOX } = require('../dev/emulators/server');
const { streamServerToken } = require('../dist/credentials/jwt');
const { DEFAULT_CONCURRENCY } = require('../dist/nodes/shared/runner');

const REPO = path.resolve(__dirname, '..');
const only = new Set(process.argv.slice(2).map((arg) => arg.toLowerCase()));
const wanted = (name) => only.size === 0 || only.has(name.toLowerCase());
const round = (value, digits = 2) => Number(value.toFixed(digits));

let counter = 0;

/** Webhook → Code (one item per entry) → subject node; returns a function that runs it once and times it. */
async function webhookWorkflow(n8n, subject) {
	const hook = `bench-${++counter}`;
	const id = await n8n.createWorkflow({
		name: `bench ${subject.name}`,
		nodes: [
			{
				id: 'w',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: hook,
				parameters: { httpMethod: 'POST', path: hook, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			},
			{
				id: 'c',
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: { jsCode: 'return $json.body.items.map((json) => ({ json }));' },
			},
			{ id: 's', position: [400, 0], ...subject },
		],
		connections: {
			Webhook: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
			Code: { main: [[{ node: subject.name, type: 'main', index: 0 }]] },
		},
	});
	await n8n.activate(id);
	const run = async (items) => {
		for (;;) {
			const started = Date.now();
			const response = await request(`${n8n.baseUrl}/webhook/${hook}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ items }),
				headersTimeout: 900_000,
				bodyTimeout: 900_000,
			});
			const text = await response.body.text();
			if (response.statusCode === 404 && text.includes('not registered')) {
				await new Promise((resolve) => setTimeout(resolve, 250));
				continue;
			}
			const wallMs = Date.now() - started;
			const output = JSON.parse(text);
			// A workflow stopped by an error answers with that error: every item counts as failed.
			if (!Array.isArray(output)) return { wallMs, output: [], failed: items.length, stopped: true };
			return { wallMs, output, failed: output.filter((item) => item.error !== undefined).length };
		}
	};
	run.workflowId = id;
	return run;
}

function ourNode(name, type, credentialType, credentialId, parameters) {
	return {
		name,
		type: `n8n-nodes-call-deletion.${type}`,
		typeVersion: 1,
		parameters,
		credentials: { [credentialType]: { id: credentialId, name: credentialType } },
		onError: 'continueRegularOutput',
	};
}

/** n8n's HTTP Request node (v4.2) calling Stream's DeleteCall as Stream's REST docs show. */
function httpStreamDelete(name, emulator, { batching, retry } = {}) {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		// Retry On Fail re-runs a node that throws, so that run keeps n8n's default "stop workflow" on error.
		...(retry ? { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 } : { onError: 'continueRegularOutput' }),
		parameters: {
			method: 'POST',
			url: `=${emulator.streamBaseUrl}/api/v2/video/call/default/{{ $json.callId }}/delete`,
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'api_key', value: SANDBOX.stream.apiKey }] },
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'Authorization', value: streamServerToken(SANDBOX.stream.apiSecret) },
					{ name: 'stream-auth-type', value: 'jwt' },
				],
			},
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '{"hard": false}',
			options: batching ? { batching: { batch: batching } } : {},
		},
	};
}

/** n8n's HTTP Request node calling HuskyVoice's REST delete with the x-api-key header. */
function httpHuskyDelete(name, emulator, { batching, retry } = {}) {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		// Retry On Fail re-runs a node that throws, so that run keeps n8n's default "stop workflow" on error.
		...(retry ? { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 } : { onError: 'continueRegularOutput' }),
		parameters: {
			method: 'DELETE',
			url: `=${emulator.huskyBaseUrl}/calls/{{ $json.callId }}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'x-api-key', value: SANDBOX.husky.apiKey }] },
			options: batching ? { batching: { batch: batching } } : {},
		},
	};
}

/** Fastest finish the Stream emulator's rules allow: fixed minute windows and a per-second cap of limit ÷ 30. */
function idealStreamMs(n, limitPerMinute, startMs) {
	const perSecond = Math.floor(limitPerMinute / 30);
	let sent = 0;
	let second = Math.floor(startMs / 1000);
	const usedInMinute = new Map();
	for (;;) {
		const minute = Math.floor(second / 60);
		const used = usedInMinute.get(minute) ?? 0;
		const now = Math.min(perSecond, limitPerMinute - used, n - sent);
		sent += now;
		usedInMinute.set(minute, used + now);
		if (sent >= n) return Math.max(0, (second + 1) * 1000 - startMs - 1000) + 1;
		second++;
	}
}

/** Fastest finish a sliding window of `limit` per `windowMs` allows: bursts of `limit`, one window apart. */
function idealSlidingMs(n, limit, windowMs) {
	return Math.max(0, Math.ceil(n / limit) - 1) * windowMs;
}

function row(label, result, extra = {}) {
	return { run: label, wallS: round(result.wallMs / 1000), failed: result.failed, ...extra };
}

const A_SIZES = (process.env.BENCH_A_SIZES ?? '500,2000,10000').split(',').map(Number);
const A_LATENCY = 20;
const A_SUBJECTS = ['Floor', 'HTTP Request', 'Stream Video'];
/** Sizes the floor goal is about, and how far above the floor ours may be there. */
const A_GOAL_SIZES = [2000, 10000];
const A_FLOOR_GOAL = 1.1;

/** Compiles the bench's own TypeScript (harness, floor node, base-node runner) into .cache/bench, once per run. */
let benchBuilt = false;
function buildBenchTools() {
	if (benchBuilt) return;
	execFileSync(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bench.json'], { cwd: REPO, stdio: 'inherit' });
	benchBuilt = true;
}

const FLOOR_DIR = path.join(REPO, 'dev', 'bench-floor');
const FLOOR_PACKAGE = JSON.parse(fs.readFileSync(path.join(FLOOR_DIR, 'package.json'), 'utf8'));

/** Packs the floor node as its own package (dev/bench-floor/package.json + the compiled node); returns the tarball. */
function packFloor() {
	buildBenchTools();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-floor-'));
	fs.mkdirSync(path.join(dir, 'dist'));
	fs.copyFileSync(path.join(FLOOR_DIR, 'package.json'), path.join(dir, 'package.json'));
	fs.copyFileSync(path.join(REPO, '.cache', 'bench', 'dev', 'bench-floor', 'StreamVideoFloor.node.js'), path.join(dir, 'dist', 'StreamVideoFloor.node.js'));
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
	return path.join(dir, JSON.parse(output)[0].filename);
}

/** Seeds `n` ended calls and an unlimited endpoint with fixed latency. */
function seedA(emulator, n, prefix) {
	emulator.reset();
	emulator.configure({ latencyMs: { stream: A_LATENCY } });
	emulator.stream.configure({ perSecondCap: false, rateLimits: { deleteCall: 1e9 } });
	emulator.stream.seedCalls(Array.from({ length: n }, (_, index) => ({ type: 'default', id: `${prefix}-${index}`, ended_at: new Date().toISOString() })));
}

/**
 * The three subjects: the floor (our requests, our concurrency, nothing else), n8n's HTTP Request node as
 * Stream's docs show, and ours with defaults.
 */
function aSubject(name, emulator, streamCredentialId) {
	if (name === 'Floor') {
		return {
			name,
			type: `${FLOOR_PACKAGE.name}.streamVideoFloor`,
			typeVersion: 1,
			parameters: { callType: 'default', callIdField: 'callId', concurrency: DEFAULT_CONCURRENCY },
			credentials: { streamVideoApi: { id: streamCredentialId, name: 'streamVideoApi' } },
		};
	}
	return name === 'HTTP Request'
		? httpStreamDelete(name, emulator)
		: ourNode(name, 'streamVideo', 'streamVideoApi', streamCredentialId, { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: {} });
}

/** The subject node's own time and failed items, read from a run n8n recorded. */
function nodeFigures(runData, name) {
	const [task] = runData[name];
	const items = task.data?.main?.[0] ?? [];
	return { nodeMs: task.executionTime, failed: items.filter((item) => item.json.error !== undefined).length, items: items.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * Runs `measure(subject, size)` for all subjects, `rounds` times per size, rotating which goes first (each
 * subject takes each place once in three rounds), and tabulates the median node time (the figure the goals are
 * about), the ratios of ours to the floor and to the HTTP Request node, and the wall-time ratio to the floor.
 */
async function aTable(mode, rounds, measure) {
	const rows = [];
	const ratios = {};
	for (const size of A_SIZES) {
		const samples = Object.fromEntries(A_SUBJECTS.map((subject) => [subject, []]));
		for (let round_ = 0; round_ < rounds; round_++) {
			const shift = round_ % A_SUBJECTS.length;
			const order = [...A_SUBJECTS.slice(shift), ...A_SUBJECTS.slice(0, shift)];
			for (const subject of order) {
				const result = await measure(subject, size);
				if (result.failed > 0 || result.items !== size) throw new Error(`${mode}, ${subject}, ${size} items: ${result.failed} failed, ${result.items} out`);
				samples[subject].push(result);
			}
		}
		const figure = (subject, key) => median(samples[subject].map((sample) => sample[key]));
		const oursNode = figure('Stream Video', 'nodeMs');
		const floorNode = figure('Floor', 'nodeMs');
		const httpNode = figure('HTTP Request', 'nodeMs');
		ratios[size] = { floor: round(oursNode / floorNode), http: round(oursNode / httpNode) };
		rows.push({
			mode,
			items: size,
			'floor node (s)': round(floorNode / 1000),
			'ours node (s)': round(oursNode / 1000),
			'HTTP Request node (s)': round(httpNode / 1000),
			'ours ÷ floor': ratios[size].floor,
			'ours ÷ HTTP Request': ratios[size].http,
			'ours ÷ floor, wall': round(figure('Stream Video', 'wallMs') / figure('Floor', 'wallMs')),
			'each round, ours ÷ floor': samples['Stream Video'].map((sample, index) => round(sample.nodeMs / samples.Floor[index].nodeMs)).join(' / '),
		});
	}
	return { rows, ratios };
}

async function scenarioA(n8n, emulator, credentials, tarball, floorTarball) {
	const pairs = Number(process.env.BENCH_A_PAIRS ?? 3);
	// A started n8n, as the editor and production run it: a webhook posts the items.
	const started = {};
	for (const subject of A_SUBJECTS) started[subject] = await webhookWorkflow(n8n, aSubject(subject, emulator, credentials.stream));
	// Warm every path once so none pays first-use costs in a measured run.
	for (const subject of A_SUBJECTS) {
		seedA(emulator, 50, 'a');
		await started[subject](Array.from({ length: 50 }, (_, index) => ({ callId: `a-${index}` })));
	}
	const startedTable = await aTable('started n8n', pairs, async (subject, size) => {
		seedA(emulator, size, 'a');
		const run = started[subject];
		const result = await run(Array.from({ length: size }, (_, index) => ({ callId: `a-${index}` })));
		const { data } = await n8n.api('GET', `/executions?workflowId=${run.workflowId}&includeData=true&limit=1`);
		return { ...nodeFigures(data[0].data.resultData.runData, subject), wallMs: result.wallMs };
	});

	// `n8n execute`: a new n8n process per run, its Manual Trigger and a Code node making the items.
	const cli = await startN8nCli({ tarball });
	try {
		installPackage(cli.userFolder, floorTarball);
		await cli.importCredentials([
			{ id: 'benchStream0000a', name: 'streamVideoApi', type: 'streamVideoApi', data: { apiKey: SANDBOX.stream.apiKey, apiSecret: SANDBOX.stream.apiSecret, baseUrl: emulator.streamBaseUrl } },
		]);
		const workflowIds = {};
		for (const size of A_SIZES) {
			for (const [index, subject] of A_SUBJECTS.entries()) {
				const id = `benchA${String(size).padStart(6, '0')}x${index}`;
				await cli.importWorkflow({
					id,
					name: `bench A ${subject} ${size}`,
					nodes: [
						{ id: 'm', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'c',
							name: 'Code',
							type: 'n8n-nodes-base.code',
							typeVersion: 2,
							position: [200, 0],
							parameters: { jsCode: `return Array.from({ length: ${size} }, (_, index) => ({ json: { callId: 'a-' + index } }));` },
						},
						{ id: 's', position: [400, 0], ...aSubject(subject, emulator, 'benchStream0000a') },
					],
					connections: {
						Manual: { main: [[{ node: 'Code', type: 'main', index: 0 }]] },
						Code: { main: [[{ node: subject, type: 'main', index: 0 }]] },
					},
				});
				workflowIds[`${subject}:${size}`] = id;
			}
		}
		const cliTable = await aTable('n8n execute', pairs, async (subject, size) => {
			seedA(emulator, size, 'a');
			const { wallMs, run } = await cli.execute(workflowIds[`${subject}:${size}`]);
			return { ...nodeFigures(run.data.resultData.runData, subject), wallMs };
		});
		const tables = { 'started n8n': startedTable, 'n8n execute': cliTable };
		const atGoalSizes = Object.entries(tables).flatMap(([mode, table]) =>
			A_GOAL_SIZES.filter((size) => table.ratios[size] !== undefined).map((size) => ({ mode, size, ratio: table.ratios[size].floor })),
		);
		const worstFloor = atGoalSizes.reduce((worst, entry) => (worst && worst.ratio >= entry.ratio ? worst : entry), undefined);
		const measuredAll = atGoalSizes.length === A_GOAL_SIZES.length * 2;
		const met = measuredAll && atGoalSizes.every((entry) => entry.ratio <= A_FLOOR_GOAL);
		const worstHttp = Math.max(...Object.values(tables).flatMap((table) => Object.values(table.ratios).map((ratio) => ratio.http)));
		return {
			title: `A. Unlimited endpoint, ${A_LATENCY} ms latency, Stream soft deletes: the node's own time (median of ${pairs} rounds, order rotated)`,
			rows: [...startedTable.rows, ...cliTable.rows],
			figures: {
				floor: `a stand-in node (dev/bench-floor, not shipped) sending the same requests as ours through httpRequestWithAuthentication (streamVideoApi), ${DEFAULT_CONCURRENCY} at a time, one item out per item in, nothing else`,
				'worst ours ÷ floor at 2,000 and 10,000 items (node time)': worstFloor ? `${worstFloor.ratio} (${worstFloor.mode}, ${worstFloor.size} items)` : 'not measured (BENCH_A_SIZES lacks 2000 and 10000)',
				'worst ours ÷ HTTP Request (node time, any size)': worstHttp,
				'bound at 2,000 items, N × latency ÷ concurrency (s)': round((2000 * A_LATENCY) / DEFAULT_CONCURRENCY / 1000),
				'wall time': 'started n8n: the webhook call; n8n execute: the whole process, a cold start of several seconds included',
				goals: `ours ≤ ${A_FLOOR_GOAL.toFixed(2)}× the floor at 2,000 and 10,000 items, both modes: ${
					measuredAll ? (met ? 'met' : 'NOT met') : 'not judged (BENCH_A_SIZES must include 2000 and 10000)'
				}`,
			},
		};
	} finally {
		cli.remove();
	}
}

const R_SIZES = [2000, 10_000];
const R_GOAL = 1.05;

/**
 * R. What signing costs: the same soft deletes as scenario A, unsigned and with Sign Receipts on (one Ed25519
 * signature and one canonical JSON per item, one tree and head per run), in the same started n8n, order rotated.
 */
async function scenarioR(n8n, emulator, credentials) {
	const rounds = Number(process.env.BENCH_A_PAIRS ?? 3);
	const parameters = { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: {} };
	const unsigned = await webhookWorkflow(n8n, ourNode('Unsigned', 'streamVideo', 'streamVideoApi', credentials.stream, parameters));
	const signedNode = ourNode('Signed', 'streamVideo', 'streamVideoApi', credentials.stream, { ...parameters, signReceipts: true });
	signedNode.credentials.erasureReceiptKeyApi = { id: credentials.receiptKey, name: 'erasureReceiptKeyApi' };
	const signed = await webhookWorkflow(n8n, signedNode);
	const subjects = { Unsigned: unsigned, Signed: signed };
	const run = async (name, size) => {
		seedA(emulator, size, 'r');
		const result = await subjects[name](Array.from({ length: size }, (_, index) => ({ callId: `r-${index}` })));
		const { data } = await n8n.api('GET', `/executions?workflowId=${subjects[name].workflowId}&includeData=true&limit=1`);
		const figures = { ...nodeFigures(data[0].data.resultData.runData, name), wallMs: result.wallMs };
		if (figures.failed > 0 || figures.items !== size) throw new Error(`R, ${name}, ${size} items: ${figures.failed} failed, ${figures.items} out`);
		return figures;
	};
	for (const name of Object.keys(subjects)) await run(name, 50);
	const rows = [];
	const ratios = [];
	for (const size of R_SIZES) {
		const samples = { Unsigned: [], Signed: [] };
		for (let round_ = 0; round_ < rounds; round_++) {
			for (const name of round_ % 2 === 0 ? ['Unsigned', 'Signed'] : ['Signed', 'Unsigned']) samples[name].push(await run(name, size));
		}
		const nodeMs = (name) => median(samples[name].map((sample) => sample.nodeMs));
		const ratio = round(nodeMs('Signed') / nodeMs('Unsigned'));
		ratios.push(ratio);
		rows.push({
			items: size,
			'unsigned node (s)': round(nodeMs('Unsigned') / 1000),
			'signed node (s)': round(nodeMs('Signed') / 1000),
			'signed ÷ unsigned': ratio,
			'each round, signed ÷ unsigned': samples.Signed.map((sample, index) => round(sample.nodeMs / samples.Unsigned[index].nodeMs)).join(' / '),
		});
	}
	return {
		title: `R. Sign Receipts: Stream soft deletes, unlimited endpoint, ${A_LATENCY} ms latency, the node's own time (median of ${rounds} rounds, order alternated)`,
		rows,
		figures: { goals: `signed ÷ unsigned ≤ ${R_GOAL} at 2,000 and 10,000 items: ${ratios.every((ratio) => ratio <= R_GOAL) ? 'met' : 'NOT met'}` },
	};
}

async function rateScenario({ title, N, limitPerMinute, prefix, seed, ideal, ours, httpFor, goals }) {
	const items = Array.from({ length: N }, (_, index) => ({ callId: `${prefix}-${index}` }));
	const runs = [
		['HTTP Request node, defaults', httpFor({})],
		['HTTP Request node, Retry On Fail 5 × 5 s', httpFor({ retry: true })],
		['HTTP Request node, hand-tuned batching', httpFor({ batching: 'tuned' })],
		['ours, defaults', ours],
	];
	const rows = [];
	for (const [label, runnerPromise] of runs) {
		const run = await runnerPromise;
		seed();
		const started = Date.now();
		const result = await run(items);
		const rate = (N - result.failed) / (result.wallMs / 60_000);
		const complete = result.failed === 0;
		rows.push(
			row(label, result, {
				'429s seen': seedStats429(),
				'deletes/min': complete ? Math.round(rate) : '-',
				'÷ nominal limit': complete ? round(rate / limitPerMinute) : '-',
				// The fastest the emulator's rules allow for N items, over the time taken: 1.0 is the physical best.
				'÷ allowed rate': complete ? round(ideal(N, started) / result.wallMs) : '-',
				...(result.stopped ? { note: 'workflow stopped' } : {}),
			}),
		);
	}
	const oursRow = rows[rows.length - 1];
	const tunedRow = rows[rows.length - 2];
	return {
		title,
		rows,
		figures: {
			'ours ÷ hand-tuned time': round(oursRow.wallS / tunedRow.wallS),
			'allowed rate': 'the fastest finish the limit permits for N items (bursts included), so 1.0 is the physical best',
			goals,
		},
	};
}

let seedStats429 = () => 0;

async function scenarioB(n8n, emulator, credentials) {
	const N = 1000;
	const LIMIT = 1200;
	const seed = () => {
		emulator.reset();
		emulator.stream.configure({ rateLimits: { deleteCall: LIMIT } });
		emulator.stream.seedCalls(Array.from({ length: N }, (_, index) => ({ type: 'default', id: `b-${index}`, ended_at: new Date().toISOString() })));
	};
	seedStats429 = () => emulator.stats().stream?.tooManyRequests ?? 0;
	// Hand-tuned: the per-second cap is limit ÷ 30 = 40/s, so 40 items per 1,000 ms batch.
	const perSecond = LIMIT / 30;
	return rateScenario({
		title: `B. Stream-like limit ${LIMIT}/min (per-second cap ${perSecond}/s), ${N} soft deletes`,
		N,
		limitPerMinute: LIMIT,
		prefix: 'b',
		seed,
		ideal: (n, started) => idealStreamMs(n, LIMIT, started),
		goals: 'ours: 0 failed, ≥ 0.95 of the allowed rate, at least as fast as hand-tuned batching',
		ours: webhookWorkflow(n8n, ourNode('Stream Video', 'streamVideo', 'streamVideoApi', credentials.stream, { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: {} })),
		httpFor: ({ retry, batching }) =>
			webhookWorkflow(n8n, httpStreamDelete('HTTP Request', emulator, { retry, batching: batching ? { batchSize: perSecond, batchInterval: 1000 } : undefined })),
	});
}

async function scenarioC(n8n, emulator, credentials) {
	const N = 1000;
	const LIMIT = 600;
	const seed = () => {
		emulator.reset();
		emulator.husky.configure({ rateLimitPerMinute: LIMIT, windowMs: 60_000 });
		emulator.husky.seedCalls(Array.from({ length: N }, (_, index) => ({ call_id: `c-${index}`, status: 'completed' })));
	};
	seedStats429 = () => emulator.stats().husky?.tooManyRequests ?? 0;
	return rateScenario({
		title: `C. HuskyVoice-like sliding window ${LIMIT}/min, ${N} deletes`,
		N,
		limitPerMinute: LIMIT,
		prefix: 'c',
		seed,
		ideal: (n) => idealSlidingMs(n, LIMIT, 60_000),
		goals: 'ours: 0 failed, ≥ 0.9 of the allowed rate, at least as fast as hand-tuned batching',
		ours: webhookWorkflow(
			n8n,
			ourNode('HuskyVoice', 'huskyVoice', 'huskyVoiceApi', credentials.husky, {
				authentication: 'apiKey',
				resource: 'call',
				operation: 'delete',
				callId: '={{ $json.callId }}',
				// The account's plan limit; 60/min is the documented default.
				options: { rateLimitPerMinute: LIMIT },
			}),
		),
		// Hand-tuned: 10 requests per second is exactly 600/min.
		httpFor: ({ retry, batching }) =>
			webhookWorkflow(n8n, httpHuskyDelete('HTTP Request', emulator, { retry, batching: batching ? { batchSize: LIMIT / 60, batchInterval: 1000 } : undefined })),
	});
}

/**
 * D. Several executions, one provider limit: three n8n instances (separate processes, as queue-mode workers
 * are) start the same bulk delete at the same moment against one Stream app and one HuskyVoice key. Nothing is
 * shared between them but the provider's answers.
 */
async function scenarioD(emulator, tarball) {
	const EACH = 350;
	const INSTANCES = 3;
	const STREAM_LIMIT = 1200;
	const HUSKY_LIMIT = 600;
	process.stdout.write(`Starting ${INSTANCES} more n8n instances for scenario D...\n`);
	const instances = await Promise.all(Array.from({ length: INSTANCES }, () => startN8n({ tarball, quiet: true })));
	try {
		const runners = [];
		for (const n8n of instances) {
			const stream = await n8n.createCredential('streamVideoApi', 'streamVideoApi', {
				apiKey: SANDBOX.stream.apiKey,
				apiSecret: SANDBOX.stream.apiSecret,
				baseUrl: emulator.streamBaseUrl,
			});
			const husky = await n8n.createCredential('huskyVoiceApi', 'huskyVoiceApi', {
				apiKey: SANDBOX.husky.apiKey,
				authHeader: 'xApiKey',
				baseUrl: emulator.huskyBaseUrl,
			});
			runners.push({
				stream: await webhookWorkflow(
					n8n,
					ourNode('Stream Video', 'streamVideo', 'streamVideoApi', stream, { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.callId }}', options: {} }),
				),
				husky: await webhookWorkflow(
					n8n,
					ourNode('HuskyVoice', 'huskyVoice', 'huskyVoiceApi', husky, {
						authentication: 'apiKey',
						resource: 'call',
						operation: 'delete',
						callId: '={{ $json.callId }}',
						options: { rateLimitPerMinute: HUSKY_LIMIT },
					}),
				),
			});
		}
		const idsOf = (prefix, instance) => Array.from({ length: EACH }, (_, index) => `${prefix}-${instance}-${index}`);
		// Warm each instance's paths (first-use costs) on calls that are not part of the measured runs.
		emulator.reset();
		emulator.stream.seedCalls(runners.map((_, i) => ({ type: 'default', id: `dw-${i}`, ended_at: new Date().toISOString() })));
		emulator.husky.seedCalls(runners.map((_, i) => ({ call_id: `dw-${i}`, status: 'completed' })));
		for (const [i, runner] of runners.entries()) {
			await runner.stream([{ callId: `dw-${i}` }]);
			await runner.husky([{ callId: `dw-${i}` }]);
		}

		const rows = [];
		const total = EACH * INSTANCES;
		const measure = async (label, provider, limitPerMinute, seed, pick, ideal) => {
			emulator.reset();
			seed();
			const started = Date.now();
			const results = await Promise.all(runners.map((runner, i) => pick(runner)(idsOf(label[0].toLowerCase() === 's' ? 'ds' : 'dh', i).map((callId) => ({ callId })))));
			const wallMs = Date.now() - started;
			const stats = emulator.stats()[provider] ?? { requests: 0, tooManyRequests: 0 };
			const failed = results.reduce((sum, result) => sum + result.failed, 0);
			const rate = (total - failed) / (wallMs / 60_000);
			// When the 429s came, per 10 s from the start: the first window's overshoot, then probing.
			const buckets = Array.from({ length: Math.ceil(wallMs / 10_000) }, () => 0);
			for (const entry of emulator.log.entries({ provider, status: 429 })) buckets[Math.min(buckets.length - 1, Math.floor((entry.at - started) / 10_000))]++;
			rows.push({
				run: label,
				executions: INSTANCES,
				items: total,
				failed,
				stopped: results.filter((result) => result.stopped).length,
				wallS: round(wallMs / 1000),
				'each wallS': results.map((result) => round(result.wallMs / 1000, 1)).join(' / '),
				requests: stats.requests,
				'429s': stats.tooManyRequests,
				'429 share': round(stats.tooManyRequests / Math.max(1, stats.requests), 3),
				'429s per 10 s': buckets.join(' '),
				'deletes/min': Math.round(rate),
				'÷ limit': round(rate / limitPerMinute),
				'÷ allowed rate': round(ideal(total, started) / wallMs),
			});
		};
		await measure(
			`Stream-like ${STREAM_LIMIT}/min (per-second cap ${STREAM_LIMIT / 30}/s)`,
			'stream',
			STREAM_LIMIT,
			() => {
				emulator.stream.configure({ rateLimits: { deleteCall: STREAM_LIMIT } });
				emulator.stream.seedCalls(runners.flatMap((_, i) => idsOf('ds', i).map((id) => ({ type: 'default', id, ended_at: new Date().toISOString() }))));
			},
			(runner) => runner.stream,
			(n, started) => idealStreamMs(n, STREAM_LIMIT, started),
		);
		await measure(
			`HuskyVoice-like ${HUSKY_LIMIT}/min sliding window`,
			'husky',
			HUSKY_LIMIT,
			() => {
				emulator.husky.configure({ rateLimitPerMinute: HUSKY_LIMIT, windowMs: 60_000 });
				emulator.husky.seedCalls(runners.flatMap((_, i) => idsOf('dh', i).map((call_id) => ({ call_id, status: 'completed' }))));
			},
			(runner) => runner.husky,
			(n) => idealSlidingMs(n, HUSKY_LIMIT, 60_000),
		);
		return {
			title: `D. ${INSTANCES} n8n instances at once, ${EACH} deletes each, one provider limit`,
			rows,
			figures: {
				'÷ limit': 'deletes per minute of all executions together (until the last finished) over the per-minute limit',
				'÷ allowed rate': 'the fastest finish the limit permits for all items together, over the time taken (1.0 is the physical best)',
				goals: '0 failed; Stream ≥ 0.90 of the allowed rate with under 2% of requests answered 429; HuskyVoice under 2% answered 429 at no loss of rate',
			},
		};
	} finally {
		await Promise.all(instances.map((n8n) => n8n.stop()));
	}
}

const HEAP_CAP_MB = 256;

async function memory(emulator) {
	buildBenchTools();
	// The anchor: n8n-nodes-base's HTTP Request node from the cached n8n 2.41.1 (the same release as the n8n-core the
	// in-process engine runs), set up as scenario A's httpStreamDelete.
	const baseNodeFile = path.join(ensureRuntime().n8nDir, 'node_modules', 'n8n-nodes-base', 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js');
	const httpNode = (batching) => httpStreamDelete('Stream Video', emulator, { batching });
	// Scenario A's HTTP Request node sends every item's request at once: 100,000 open sockets, past this machine's
	// open-file limit (20,000). The smallest spacing that keeps it well below, for a run that completes.
	const HTTP_BATCHING = { batchSize: DEFAULT_CONCURRENCY, batchInterval: 10 };
	const rows = [];
	// V8 lets garbage pile up while the heap has room, so peak RSS with default flags mostly measures how lazily it
	// collects. The same run with the old space capped shows what the run really needs: if it completes at about
	// the same speed, the rest was garbage. (NODE_OPTIONS=--max-old-space-size sets the same cap for n8n.)
	const measure = async (n, heapCap, subject = 'ours', batching = undefined) => {
		emulator.reset();
		const flags = ['--expose-gc', ...(heapCap ? [`--max-old-space-size=${heapCap}`] : [])];
		const args = [path.join(__dirname, 'bench-memory.js'), String(n), emulator.url, subject, ...(subject === 'http' ? [JSON.stringify(httpNode(batching)), baseNodeFile] : [])];
		// Asynchronous: the emulators answering the child live in this process's event loop.
		const child = spawn(process.execPath, [...flags, ...args], { cwd: REPO });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const status = await new Promise((resolve) => child.once('exit', resolve));
		const lines = stderr.split('\n');
		if (status !== 0) {
			// n8n's own node may not survive the run here; say how and how far it got instead of stopping the bench.
			if (subject !== 'http') throw new Error(`memory run failed: ${stderr}`);
			const progress = lines.filter((line) => line.startsWith('progress ')).pop();
			const reason = /heap out of memory|EMFILE|ENOMEM/.exec(stderr)?.[0] ?? lines.find((line) => line.trim() && !line.startsWith('progress '))?.trim();
			const soFar = progress ? JSON.parse(progress.slice('progress '.length)) : {};
			return { items: n, deleted: `run died: ${reason}`, peakAboveBaselineMB: `≥ ${soFar.peakAboveBaselineMB ?? '?'}`, peakOpenFiles: soFar.peakOpenFiles };
		}
		const result = JSON.parse(stdout.trim().split('\n').pop());
		if (result.deleted !== n && subject !== 'http') throw new Error(`memory run, ${subject}, ${n} items: ${result.deleted} deleted`);
		return result;
	};
	const GOAL_N = 100_000;
	let oursAtGoal;
	for (const heapCap of [undefined, HEAP_CAP_MB]) {
		for (const n of [10_000, GOAL_N]) {
			const result = await measure(n, heapCap);
			if (!heapCap && n === GOAL_N) oursAtGoal = result;
			rows.push({ node: heapCap ? `ours, old space ${heapCap} MB` : 'ours, default flags', ...result });
		}
	}
	// The same run with Sign Receipts on: a receipt per item (about 1 KB of JWS) is part of the output.
	const signedAtGoal = await measure(GOAL_N, undefined, 'signed');
	rows.push({ node: 'ours with Sign Receipts, default flags', ...signedAtGoal });
	// The floor: a stand-in node that only sends each delete through n8n's HTTP helper, 50 at a time.
	const helper = await measure(GOAL_N, undefined, 'helper');
	rows.push({ node: "n8n's HTTP helper alone, default flags", ...helper });
	// The anchor: what n8n's own HTTP Request node pays for the same deletes, as scenario A sets it up (at 10,000 items,
	// where A runs it, and at 100,000), and at 100,000 with the batching that keeps its sockets within the limit.
	for (const n of [10_000, GOAL_N]) rows.push({ node: 'n8n HTTP Request node 4.2 in-process, as scenario A, default flags', ...(await measure(n, undefined, 'http')) });
	rows.push({
		node: `n8n HTTP Request node 4.2 in-process, batching ${HTTP_BATCHING.batchSize} per ${HTTP_BATCHING.batchInterval} ms, default flags`,
		...(await measure(GOAL_N, undefined, 'http', HTTP_BATCHING)),
	});
	const allowed = helper.peakAboveBaselineMB + oursAtGoal.outputJsonMB;
	const met = oursAtGoal.peakAboveBaselineMB <= allowed;
	return {
		title: 'Memory: Stream soft deletes in-process (n8n-core), peak RSS above baseline',
		rows,
		figures: {
			goals: `ours at ${GOAL_N.toLocaleString('en')} items, default flags, peaks at no more than the helper floor's peak + our output as JSON: ${
				met ? 'met' : 'NOT met'
			} (ours ${oursAtGoal.peakAboveBaselineMB} MB ≤ ${helper.peakAboveBaselineMB} MB + ${oursAtGoal.outputJsonMB} MB = ${round(allowed, 1)} MB${met ? '' : ': false'})`,
			'signed at 100,000': `ours signed ${signedAtGoal.peakAboveBaselineMB} MB against unsigned ${oursAtGoal.peakAboveBaselineMB} MB (output ${signedAtGoal.outputJsonMB} MB against ${oursAtGoal.outputJsonMB} MB)`,
			outputJsonMB: "JSON.stringify of the node's output items' json, in MB: what the node hands on, which n8n keeps for the run",
			'HTTP Request node': "n8n-nodes-base 2.41.1's node on the same engine, set up as scenario A (Stream's docs); deleted < items means items came back as errors (onError: continue)",
			'how to read': `"default flags" includes garbage V8 has not collected yet; "old space ${HEAP_CAP_MB} MB" is the working set (same run, GC forced to keep up); "n8n's HTTP helper alone" is what any node that sends one request per item through n8n pays; the HTTP Request node is n8n-nodes-base's own, run in the same engine as ours`,
		},
	};
}

function print(report) {
	process.stdout.write(`\n${report.title}\n`);
	console.table(report.rows);
	for (const [key, value] of Object.entries(report.figures)) process.stdout.write(`  ${key}: ${value}\n`);
}

async function main() {
	const emulator = await createEmulatorServer({ port: 0, seedSandbox: false });
	const reports = [];
	// BENCH_TARBALL=<.tgz> measures another build of the package (an earlier commit, for a before/after figure).
	const tarball = ['a', 'b', 'c', 'd', 'r'].some(wanted) ? (process.env.BENCH_TARBALL ?? packPackage()) : undefined;
	const floorTarball = wanted('a') ? packFloor() : undefined;
	if (['a', 'b', 'c', 'r'].some(wanted)) {
		process.stdout.write(`Starting n8n 2.41.1 with the packed package${floorTarball ? ' and the floor node' : ''}...\n`);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-n8n-'));
		if (floorTarball) installPackage(userFolder, floorTarball);
		const n8n = await startN8n({ tarball, userFolder, quiet: true });
		try {
			const credentials = {
				stream: await n8n.createCredential('streamVideoApi', 'streamVideoApi', {
					apiKey: SANDBOX.stream.apiKey,
					apiSecret: SANDBOX.stream.apiSecret,
					baseUrl: emulator.streamBaseUrl,
				}),
				husky: await n8n.createCredential('huskyVoiceApi', 'huskyVoiceApi', {
					apiKey: SANDBOX.husky.apiKey,
					authHeader: 'xApiKey',
					baseUrl: emulator.huskyBaseUrl,
				}),
				receiptKey: await n8n.createCredential('erasureReceiptKeyApi', 'erasureReceiptKeyApi', {
					privateKey: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
				}),
			};
			for (const [name, scenario] of [
				['a', scenarioA],
				['b', scenarioB],
				['c', scenarioC],
				['r', scenarioR],
			]) {
				if (!wanted(name)) continue;
				const report = await scenario(n8n, emulator, credentials, tarball, floorTarball);
				print(report);
				reports.push(report);
			}
		} finally {
			await n8n.stop();
		}
	}
	if (wanted('d')) {
		const report = await scenarioD(emulator, tarball);
		print(report);
		reports.push(report);
	}
	if (wanted('mem')) {
		const report = await memory(emulator);
		print(report);
		reports.push(report);
	}
	await emulator.close();
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
