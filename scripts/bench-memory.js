'use strict';
// One memory measurement for `npm run bench`: N Stream soft deletes through the real n8n-core engine,
// in this fresh process, against the emulators at the given URL. Prints one JSON line.
//   node bench-memory.js <N> <emulator URL> [ours|signed|helper|http <node JSON> <n8n-nodes-base node file>]
// `helper` runs a stand-in node that only calls n8n's HTTP helper: the floor any node pays.
// `http` runs n8n-nodes-base's HTTP Request node (the cached n8n runtime's copy), configured as the JSON says.
const fs = require('node:fs');
const path = require('node:path');

const [, , countArg, emulatorUrl, subject = 'ours', nodeJson, baseNodeFile] = process.argv;
const N = Number(countArg);
const built = path.join(__dirname, '..', '.cache', 'bench', 'dev');
const harness = require(path.join(built, 'harness', 'n8n-inprocess.js'));
const { runBaseNode } = require(path.join(built, 'bench-floor', 'base-node-inprocess.js'));
const { SANDBOX } = require('../dev/emulators/server');
const { request } = require('undici');

const MB = 1024 * 1024;

async function control(route, body) {
	const response = await request(`${emulatorUrl}/_control/${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	await response.body.text();
}

async function main() {
	await harness.loadPackage();
	// Loaded before the baseline, as our package is: module code is not what the run costs.
	if (subject === 'http') require(baseNodeFile);
	const store = new harness.CredentialStore();
	store.set('stream', { apiKey: SANDBOX.stream.apiKey, apiSecret: SANDBOX.stream.apiSecret, baseUrl: `${emulatorUrl}/stream` });
	store.set('receipt-key', {
		privateKey: require('node:crypto').generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
	});
	await control('stream/configure', { perSecondCap: false, rateLimits: { deleteCall: 1e9 } });
	for (let from = 0; from < N; from += 10_000) {
		const calls = Array.from({ length: Math.min(10_000, N - from) }, (_, index) => ({
			type: 'default',
			id: `m-${from + index}`,
			ended_at: new Date().toISOString(),
		}));
		await control('stream/seedCalls', calls);
	}
	const items = JSON.stringify(Array.from({ length: N }, (_, index) => ({ callId: `m-${index}` })));
	global.gc();
	const baseline = process.memoryUsage().rss;
	const baselineHeap = process.memoryUsage().heapUsed;
	let peak = baseline;
	// Where the peak lives: V8's heap (live objects and garbage not yet collected) or native memory.
	let peakHeapTotal = 0;
	// Open files (sockets, mostly): a node that sends every request at once meets the machine's limit (`ulimit -n`).
	let peakOpenFiles = 0;
	let lastReport = 0;
	const sampler = setInterval(() => {
		try {
			const usage = process.memoryUsage();
			if (usage.rss > peak) peakHeapTotal = usage.heapTotal;
			peak = Math.max(peak, usage.rss);
			peakOpenFiles = Math.max(peakOpenFiles, fs.readdirSync('/proc/self/fd').length);
		} catch {
			// out of file descriptors for a moment: the next sample counts
		}
		// Progress on stderr, so that a run that dies (out of memory, out of files) still says how far it got.
		if (Date.now() - lastReport >= 1000) {
			lastReport = Date.now();
			process.stderr.write(`progress ${JSON.stringify({ peakAboveBaselineMB: Math.round((peak - baseline) / MB), peakOpenFiles })}\n`);
		}
	}, 50);
	const started = Date.now();
	const result =
		subject === 'http'
			? await runBaseNode(baseNodeFile, { ...JSON.parse(nodeJson), name: 'Stream Video' }, items)
			: await harness.runWorkflow(
					[
						{ name: 'Items', type: 'test.items', parameters: { items } },
						subject === 'helper'
							? {
									name: 'Stream Video',
									type: 'test.helperOnly',
									parameters: { baseUrl: `${emulatorUrl}/stream` },
									credentials: { streamVideoApi: { id: 'stream', name: 'Stream' } },
								}
							: {
									name: 'Stream Video',
									type: 'streamVideo',
									parameters: {
										resource: 'call',
										operation: 'delete',
										callType: 'default',
										callId: '={{ $json.callId }}',
										signReceipts: subject === 'signed',
										options: {},
									},
									credentials: { streamVideoApi: { id: 'stream', name: 'Stream' }, erasureReceiptKeyApi: { id: 'receipt-key', name: 'Receipt key' } },
									onError: 'continueRegularOutput',
								},
					],
					store,
				);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const output = result.output('Stream Video');
	// The HTTP Request node outputs Stream's answer ({ call, duration }); ours and the helper say deleted: true.
	const deleted = output.filter((item) =>
		subject === 'http' ? item.error === undefined && typeof item.call === 'object' : item.deleted === true,
	).length;
	// The size of what the node hands on: its output items' json, as JSON text.
	const outputJsonMB = Number((Buffer.byteLength(JSON.stringify(output)) / MB).toFixed(1));
	// What stays after garbage collection while n8n still holds the run's items (input and output).
	global.gc();
	const retainedHeap = process.memoryUsage().heapUsed - baselineHeap;
	process.stdout.write(
		`${JSON.stringify({
			items: N,
			deleted,
			wallS: Number(((Date.now() - started) / 1000).toFixed(1)),
			baselineMB: Math.round(baseline / MB),
			peakAboveBaselineMB: Math.round((peak - baseline) / MB),
			perItemKB: Number(((peak - baseline) / N / 1024).toFixed(2)),
			heapAtPeakMB: Math.round(peakHeapTotal / MB),
			heapHeldAfterRunMB: Math.round(retainedHeap / MB),
			outputJsonMB,
			peakOpenFiles,
		})}\n`,
	);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
