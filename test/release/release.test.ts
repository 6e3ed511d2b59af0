/**
 * `npm run release` (scripts/release.mjs), run on a throwaway git repository holding a copy of this
 * package's CHANGELOG.md, so this repository is never bumped or tagged: version bump, changelog entry,
 * commit and tag, and the refusals that keep a release from going out half-made.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'release.mjs');
const today = new Date().toISOString().slice(0, 10);
const ENTRIES = '- Something users will notice.\n- Something else.';

/** git and npm see nothing of this machine's or a parent npm's configuration. */
const env: NodeJS.ProcessEnv = {
	...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|GIT_)/i.test(key))),
	GIT_CONFIG_GLOBAL: '/dev/null',
	GIT_CONFIG_NOSYSTEM: '1',
	GIT_AUTHOR_NAME: 'Release Test',
	GIT_AUTHOR_EMAIL: 'release-test@example.com',
	GIT_COMMITTER_NAME: 'Release Test',
	GIT_COMMITTER_EMAIL: 'release-test@example.com',
};

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
const release = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: repo, env, encoding: 'utf8' });
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const json = (file: string) => JSON.parse(read(file));

beforeEach(() => {
	repo = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-release-'));
	git('init', '-q', '-b', 'main');
	const manifest = { name: 'n8n-nodes-call-deletion', version: '0.2.0' };
	fs.writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	const lock = { ...manifest, lockfileVersion: 3, requires: true, packages: { '': manifest } };
	fs.writeFileSync(path.join(repo, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
	// The real changelog, with known entries under Unreleased (the real ones change from release to release).
	const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
	fs.writeFileSync(path.join(repo, 'CHANGELOG.md'), changelog.replace(/^## Unreleased\n[\s\S]*?(?=^## )/m, `## Unreleased\n\n${ENTRIES}\n\n`));
	git('add', '-A');
	git('commit', '-q', '-m', 'Start');
});

afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

test('the changelog this package ships starts with Unreleased and goes back to 0.2.0 and 0.1.0', () => {
	const headings = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8').match(/^## .+$/gm);
	expect(headings?.slice(-2)).toEqual(['## 0.2.0', '## 0.1.0']);
	expect(headings?.[0]).toBe('## Unreleased');
});

test('a minor release bumps the version, moves the Unreleased entries under it, commits and tags', () => {
	const run = release('minor');
	expect(run.stderr).toBe('');
	expect(run.status).toBe(0);
	expect(run.stdout).toContain('0.2.0 -> 0.3.0, committed and tagged v0.3.0');

	expect(json('package.json').version).toBe('0.3.0');
	expect(json('package-lock.json').version).toBe('0.3.0');
	expect(json('package-lock.json').packages[''].version).toBe('0.3.0');
	const changelog = read('CHANGELOG.md');
	expect(changelog).toContain(`## Unreleased\n\n## 0.3.0 (${today})\n\n${ENTRIES}\n\n## 0.2.0\n`);
	expect(changelog.match(/^## Unreleased$/gm)).toHaveLength(1);

	expect(git('status', '--porcelain')).toBe('');
	expect(git('log', '-1', '--format=%s')).toBe('Release 0.3.0');
	expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['CHANGELOG.md', 'package-lock.json', 'package.json']);
	expect(git('cat-file', '-t', 'v0.3.0')).toBe('tag');
	expect(git('rev-list', '-n', '1', 'v0.3.0')).toBe(git('rev-parse', 'HEAD'));
});

test('patch, major and an exact version', () => {
	expect(release('patch', '--dry-run').stdout).toContain('0.2.0 -> 0.2.1, tag v0.2.1');
	expect(release('major', '--dry-run').stdout).toContain('0.2.0 -> 1.0.0, tag v1.0.0');
	expect(release('0.4.2', '--dry-run').stdout).toContain('0.2.0 -> 0.4.2, tag v0.4.2');
});

test('--dry-run shows the new changelog and changes nothing', () => {
	const before = read('CHANGELOG.md');
	const run = release('minor', '--dry-run');
	expect(run.status).toBe(0);
	expect(run.stdout).toContain(`## 0.3.0 (${today})`);
	expect(read('CHANGELOG.md')).toBe(before);
	expect(json('package.json').version).toBe('0.2.0');
	expect(git('tag', '--list')).toBe('');
});

test.each([
	['without a version', () => [], 'usage: npm run release'],
	[
		'with nothing under Unreleased',
		() => {
			fs.writeFileSync(path.join(repo, 'CHANGELOG.md'), read('CHANGELOG.md').replace(`\n${ENTRIES}\n`, ''));
			git('commit', '-q', '-am', 'Empty Unreleased');
			return ['minor'];
		},
		'"Unreleased" section is empty',
	],
	[
		'with uncommitted changes',
		() => {
			fs.appendFileSync(path.join(repo, 'package.json'), '\n');
			return ['minor'];
		},
		'uncommitted changes',
	],
	[
		'from another branch',
		() => {
			git('checkout', '-q', '-b', 'feature');
			return ['minor'];
		},
		'releases are cut from main, not feature',
	],
	[
		'when the tag exists',
		() => {
			git('tag', '-a', 'v0.3.0', '-m', 'earlier');
			return ['minor'];
		},
		'tag v0.3.0 already exists',
	],
])('refuses %s, and changes nothing', (_label, prepare, message) => {
	const args = prepare();
	const head = git('rev-parse', 'HEAD');
	const changelog = read('CHANGELOG.md');
	const run = release(...args);
	expect(run.status).toBe(1);
	expect(run.stderr).toContain(message);
	expect(git('rev-parse', 'HEAD')).toBe(head);
	expect(read('CHANGELOG.md')).toBe(changelog);
	expect(json('package.json').version).toBe('0.2.0');
});
