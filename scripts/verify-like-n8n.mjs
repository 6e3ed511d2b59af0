// n8n's community-package verification, run the way n8n runs it (`npm run scan`; CI runs it as its own step).
//
// n8n verifies a package with @n8n/scan-community-package (pinned here at 0.32.0). Read in its source
// (scanner/scanner.mjs, analyzePackageByName), verification is:
//   1. provenance: the npm registry's metadata for the version must carry an SLSA provenance attestation;
//   2. source: the attestation names a GitHub repository and commit; the scanner downloads that commit,
//      finds the directory whose package.json has the package's name, and lints `package.json` and
//      `{nodes,credentials}/**/*.{js,ts,json}` there;
//   3. tarball: it downloads the published tarball and lints every `.js` file and `package.json` in it.
// Both lints use the scanner's own ESLint config (n8n's community rules, the n8n-nodes-base rule sets,
// `no-console`), with `allowInlineConfig: false`: every `eslint-disable` comment is ignored. It never reads
// this repository's eslint.config.mjs, package.json's `strict`, test/, dev/ or scripts/, and it never asks
// `n8n-node cloud-support`.
//
// Steps 2 and 3 run here offline with the scanner's own functions (analyzePackage, SOURCE_FILE_PATTERNS,
// findPackageRoot, parseSourceRepo): the source leg on this checkout's files as git would hand them over
// (tracked and untracked-but-not-ignored files; in CI that is exactly the commit), the tarball leg on
// `npm pack` of the current build (run `npm run build` first). Step 1 needs the npm registry (the
// internet) and a published version, so it is not run here; the script shows instead that the scanner
// would find this repository in a provenance statement made by .github/workflows/publish.yml.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import glob from 'fast-glob';
import {
	analyzePackage,
	findPackageRoot,
	parseSourceRepo,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';
import { NPM_PROVENANCE_PREDICATE_TYPE } from '@n8n/scan-community-package/scanner/provenance.mjs';

// eslint-plugin-n8n-nodes-base answers differently under NODE_ENV=test (every node file is "Test.node.ts"):
// verification does not run under it, so neither does this (the plugin is imported later, by the scanner).
delete process.env.NODE_ENV;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const scanner = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/@n8n/scan-community-package/package.json'), 'utf8'));
const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const say = (line) => process.stdout.write(`${line}\n`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-verify-'));

const label = `${manifest.name}@${manifest.version}`;
say(`n8n verification checks for ${label}, as @n8n/scan-community-package ${scanner.version} runs them`);

// 1. Provenance: only the registry can answer. Show that the statement publish.yml makes would lead the
// scanner to this repository: the same parser, fed the shape npm writes (the workflow's repository URI
// and the commit it built).
let commit = 'unknown';
let dirty = false;
try {
	commit = git('rev-parse', 'HEAD').trim();
	dirty = git('status', '--porcelain', '--', 'package.json', 'nodes', 'credentials').trim() !== '';
} catch {
	// not a git checkout (an unpacked source archive): the source leg still runs on the files
}
const repoUrl = String(manifest.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const statement = { predicate: { buildDefinition: { resolvedDependencies: [{ uri: `git+${repoUrl}@refs/tags/v${manifest.version}`, digest: { gitCommit: /^[0-9a-f]{40}$/.test(commit) ? commit : '0'.repeat(40) } }] } } };
const attested = parseSourceRepo([{ predicateType: NPM_PROVENANCE_PREDICATE_TYPE, bundle: { dsseEnvelope: { payload: Buffer.from(JSON.stringify(statement)).toString('base64') } } }]);
say(`⏭️  provenance: not checked here — it is read from registry.npmjs.org (needs the internet and a published version). package.json's repository ${attested ? `parses as github.com/${attested.owner}/${attested.repo}, the source the scanner would fetch` : 'does NOT parse as a GitHub repository: the scanner could not fetch the source'}`);

// 2. Source leg: the files of this checkout as a download of the commit would hold them.
const sourceDir = path.join(work, 'source');
let files;
try {
	files = git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
} catch {
	files = glob.sync(['**/*'], { cwd: repo, dot: true, ignore: ['node_modules/**', 'dist/**', '.git/**'] });
}
for (const file of files) {
	const from = path.join(repo, file);
	if (!fs.existsSync(from) || fs.lstatSync(from).isSymbolicLink() || !fs.statSync(from).isFile()) continue;
	fs.mkdirSync(path.dirname(path.join(sourceDir, file)), { recursive: true });
	fs.copyFileSync(from, path.join(sourceDir, file));
}
const packageRoot = findPackageRoot(sourceDir, manifest.name);

// 3. Tarball leg: what npm would publish from the current build.
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const tarballDir = path.join(work, 'tarball');
fs.mkdirSync(tarballDir);
execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', tarballDir, '--strip-components=1']);
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const count = (dir, patterns) => glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] }).length;
const legs = [];
if (packageRoot) {
	const where = `commit ${commit.slice(0, 7)}${dirty ? ' + uncommitted changes' : ''}`;
	legs.push([`source (${where}): ${count(packageRoot, SOURCE_FILE_PATTERNS)} files of ${SOURCE_FILE_PATTERNS.join(', ')}`, await analyzePackage(packageRoot, SOURCE_FILE_PATTERNS)]);
} else {
	legs.push(['source', { passed: false, message: `no package.json named ${manifest.name} in the checkout` }]);
}
legs.push([`tarball (${packed[0].filename}, ${packed[0].entryCount} entries): ${count(tarballDir, TARBALL_PATTERNS)} files of ${TARBALL_PATTERNS.join(', ')}`, await analyzePackage(tarballDir, TARBALL_PATTERNS)]);
fs.rmSync(work, { recursive: true, force: true });

let passed = true;
for (const [what, result] of legs) {
	say(`${result.passed ? '✅' : '❌'} lint, scanner rules, eslint-disable ignored: ${what}${result.passed ? ' — no errors' : ` — ${result.message}`}`);
	if (result.details) say(result.details);
	passed &&= result.passed;
}
say(passed
	? '✅ the lint legs of n8n verification pass; provenance is decided at publish time (see above)'
	: '❌ n8n verification would fail on the lint above');
process.exit(passed ? 0 : 1);
