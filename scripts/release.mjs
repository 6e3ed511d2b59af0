// `npm run release -- <patch|minor|major|x.y.z> [--dry-run]`: cuts a release locally, offline, without
// publishing: bumps the version (package.json, package-lock.json), turns CHANGELOG.md's "Unreleased"
// section into the new version's entry, commits those three files and makes an annotated tag vX.Y.Z.
// Pushing the tag starts .github/workflows/publish.yml, which tests and publishes with provenance.
// (n8n-node's `release` does the same through release-it and auto-changelog, which need the network,
// a GitHub remote and a token, and writes the changelog from commit messages.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const cwd = process.cwd();
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const bump = args.find((arg) => !arg.startsWith('--'));

function fail(message) {
	process.stderr.write(`release: ${message}\n`);
	process.exit(1);
}

function git(...gitArgs) {
	return execFileSync('git', gitArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function nextVersion(current, how) {
	if (/^\d+\.\d+\.\d+$/.test(how)) return how;
	const [major, minor, patch] = current.split('.').map(Number);
	if (how === 'major') return `${major + 1}.0.0`;
	if (how === 'minor') return `${major}.${minor + 1}.0`;
	if (how === 'patch') return `${major}.${minor}.${patch + 1}`;
	return undefined;
}

/** CHANGELOG.md with the "Unreleased" entries moved under `## <version> (<date>)`, and a new empty "Unreleased". */
function releaseChangelog(text, version, date) {
	const heading = /^## Unreleased[ \t]*$/m.exec(text);
	if (!heading) fail('CHANGELOG.md has no "## Unreleased" section');
	const bodyStart = heading.index + heading[0].length;
	const next = /^## /m.exec(text.slice(bodyStart));
	const bodyEnd = next ? bodyStart + next.index : text.length;
	const body = text.slice(bodyStart, bodyEnd).trim();
	if (!body) fail('CHANGELOG.md\'s "Unreleased" section is empty: write down what this release changes first');
	if (new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm').test(text)) fail(`CHANGELOG.md already has a ${version} entry`);
	return `${text.slice(0, heading.index)}## Unreleased\n\n## ${version} (${date})\n\n${body}\n\n${text.slice(bodyEnd)}`;
}

const manifestPath = path.join(cwd, 'package.json');
const changelogPath = path.join(cwd, 'CHANGELOG.md');
if (!fs.existsSync(manifestPath) || !fs.existsSync(changelogPath)) fail('run it in the package root (package.json and CHANGELOG.md)');
const current = JSON.parse(fs.readFileSync(manifestPath, 'utf8')).version;
const version = bump && nextVersion(current, bump);
if (!version) fail('usage: npm run release -- <patch|minor|major|x.y.z> [--dry-run]');
const tag = `v${version}`;
const date = new Date().toISOString().slice(0, 10);
const changelog = releaseChangelog(fs.readFileSync(changelogPath, 'utf8'), version, date);

if (dryRun) {
	process.stdout.write(`release (dry run): ${current} -> ${version}, tag ${tag}. CHANGELOG.md would read:\n\n${changelog}`);
	process.exit(0);
}

const dirty = git('status', '--porcelain', '--untracked-files=no');
if (dirty) fail(`the working tree has uncommitted changes; commit or set them aside first:\n${dirty}`);
const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
if (branch !== 'main') fail(`releases are cut from main, not ${branch}`);
if (git('tag', '--list', tag)) fail(`tag ${tag} already exists`);

fs.writeFileSync(changelogPath, changelog);
// npm version keeps package.json's and package-lock.json's formatting; no git commit or tag of its own.
execFileSync('npm', ['version', version, '--no-git-tag-version'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
const files = ['package.json', 'CHANGELOG.md', ...(fs.existsSync(path.join(cwd, 'package-lock.json')) ? ['package-lock.json'] : [])];
git('add', '--', ...files);
git('commit', '-m', `Release ${version}`, '--', ...files);
git('tag', '-a', tag, '-m', `${version}`);
process.stdout.write(
	`release: ${current} -> ${version}, committed and tagged ${tag}.\n` +
		`Push both to publish: git push --follow-tags origin main\n` +
		'The publish workflow then runs the full test and publishes with provenance.\n',
);
