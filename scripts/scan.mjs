// The n8n community-package scanner's lint, run locally (`npm run scan`). The real scanner fetches the
// published tarball and its provenance-attested source from the internet; here it lints the same two
// things offline: the packed tarball's compiled JS and package.json, and the shippable sources. Its
// config ignores every eslint-disable comment, exactly as in verification.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-scan-'));

const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const tarballDir = path.join(work, 'tarball');
fs.mkdirSync(tarballDir);
execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', tarballDir, '--strip-components=1']);

// The source leg: what a provenance checkout would hold of the shippable code.
const sourceDir = path.join(work, 'source');
for (const entry of ['package.json', 'nodes', 'credentials', 'icons']) fs.cpSync(path.join(repo, entry), path.join(sourceDir, entry), { recursive: true });

const legs = [
	['packed tarball (dist JS + package.json)', await analyzePackage(tarballDir, ['**/*.js', 'package.json'])],
	['sources (nodes, credentials, package.json)', await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS)],
];
fs.rmSync(work, { recursive: true, force: true });

let passed = true;
for (const [label, result] of legs) {
	process.stdout.write(`${result.passed ? '✅' : '❌'} scanner lint: ${label}${result.message ? ` — ${result.message}` : ''}\n`);
	if (result.details) process.stdout.write(`${result.details}\n`);
	passed &&= result.passed;
}
process.exit(passed ? 0 : 1);
