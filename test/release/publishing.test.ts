/**
 * What a release has to hold before n8n will accept it (issue 18), checked offline on every `npm test`:
 * the publish guard refuses everywhere but the publish workflow, so does a plain `npm publish`, both
 * workflow files match GitHub's workflow schema, the tarball holds only what users need, and
 * package.json names one GitHub repository (the one provenance will attest).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const REFUSED = `${pkg.name}: npm publish refused.`;

function githubRepo(url: string | undefined): string | undefined {
	const match = /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/#?]+?)(?:\.git)?(?:[/#?].*)?$/.exec(url ?? '');
	return match ? `${match[1]}/${match[2]}` : undefined;
}
const repo = githubRepo(pkg.repository?.url);

/** This process's environment without what GitHub Actions or a parent npm sets, so "outside CI" holds in CI too. */
function outsideCi(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(GITHUB_|ACTIONS_|RUNNER_|npm_)/i.test(key) || key === 'CI') continue;
		env[key] = value;
	}
	return env;
}

/** What GitHub Actions sets in the publish job when the tag of this version is pushed, and npm for `--provenance`. */
function publishJob(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const tag = `v${pkg.version}`;
	const env: NodeJS.ProcessEnv = {
		...outsideCi(),
		CI: 'true',
		GITHUB_ACTIONS: 'true',
		GITHUB_REPOSITORY: repo,
		GITHUB_EVENT_NAME: 'push',
		GITHUB_REF: `refs/tags/${tag}`,
		GITHUB_REF_NAME: tag,
		GITHUB_REF_TYPE: 'tag',
		GITHUB_WORKFLOW: 'Publish',
		GITHUB_WORKFLOW_REF: `${repo}/.github/workflows/publish.yml@refs/tags/${tag}`,
		ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.githubusercontent.example/oidc',
		ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'token-for-the-test',
		npm_config_provenance: 'true',
	};
	for (const [key, value] of Object.entries(overrides)) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

function guard(env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
	return spawnSync(process.execPath, [path.join(root, 'scripts', 'publish-guard.mjs')], { cwd: root, env, encoding: 'utf8' });
}

describe('the publish guard (prepublishOnly)', () => {
	test('package.json runs it before every publish', () => {
		expect(pkg.scripts.prepublishOnly).toBe('node scripts/publish-guard.mjs');
	});

	test('outside CI it refuses, says how a release is made, and why it refused', () => {
		const run = guard(outsideCi());
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(REFUSED);
		expect(run.stderr).toContain('.github/workflows/publish.yml');
		expect(run.stderr).toContain('npm run release');
		expect(run.stderr).toContain('Refused because this is not GitHub Actions');
	});

	test('in the publish workflow, on the tag of this version, with an OIDC token and --provenance, it passes', () => {
		const run = guard(publishJob());
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
	});

	test.each([
		['another workflow (CI on main)', { GITHUB_WORKFLOW_REF: `${repo}/.github/workflows/ci.yml@refs/heads/main` }, 'the workflow is'],
		['a tag of another version', { GITHUB_WORKFLOW_REF: `${repo}/.github/workflows/publish.yml@refs/tags/v99.0.0` }, 'the workflow is'],
		['a fork', { GITHUB_WORKFLOW_REF: `someone/fork/.github/workflows/publish.yml@refs/tags/v${pkg.version}` }, 'the workflow is'],
		['no id-token permission', { ACTIONS_ID_TOKEN_REQUEST_URL: undefined }, 'no OIDC token'],
		['npm publish without --provenance', { npm_config_provenance: undefined }, 'without --provenance'],
	])('in GitHub Actions it still refuses from %s', (_label, overrides, reason) => {
		const run = guard(publishJob(overrides));
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(REFUSED);
		expect(run.stderr).toContain(reason);
	});

	test('npm runs lifecycle scripts here, and allowScripts decides on every dependency that has install scripts', () => {
		// `ignore-scripts=true` in a project .npmrc would skip prepublishOnly, and with it the guard.
		const npmrc = path.join(root, '.npmrc');
		if (fs.existsSync(npmrc)) expect(fs.readFileSync(npmrc, 'utf8')).not.toMatch(/^\s*ignore-scripts\s*=\s*true/m);
		const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
		const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
			.filter(([, entry]) => entry.hasInstallScript)
			.map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
		expect(withScripts.length).toBeGreaterThan(0);
		expect([...new Set(withScripts)].filter((name) => !(name in (pkg.allowScripts ?? {})))).toEqual([]);
	});

	test('`npm publish --dry-run` outside CI runs the guard and fails with its message', () => {
		// The guard only works if npm runs lifecycle scripts: an `ignore-scripts=true` in the project's
		// .npmrc would skip it (dependency install scripts are governed by package.json's "allowScripts").
		const run = spawnSync('npm', ['publish', '--dry-run'], { cwd: root, env: outsideCi(), encoding: 'utf8' });
		expect(run.status).not.toBe(0);
		expect(run.stderr).toContain(REFUSED);
		expect(run.stdout).not.toContain('Publishing to');
	});
});

describe('the GitHub Actions workflows', () => {
	const validator = path.join(root, 'node_modules', '.bin', 'action-validator');
	const workflow = (name: string) => fs.readFileSync(path.join(root, '.github', 'workflows', name), 'utf8');

	test.each(['ci.yml', 'publish.yml'])("%s matches GitHub's workflow schema (action-validator, offline)", (name) => {
		const run = spawnSync(validator, [path.join(root, '.github', 'workflows', name)], { cwd: root, encoding: 'utf8' });
		expect(run.stdout + run.stderr).toBe('');
		expect(run.status).toBe(0);
	});

	test('the validator rejects a workflow that is not one', () => {
		const broken = workflow('ci.yml').replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest');
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-')), 'broken.yml');
		fs.writeFileSync(file, broken);
		const run = spawnSync(validator, [file], { encoding: 'utf8' });
		expect(run.status).not.toBe(0);
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	});

	test('CI runs .ci/run on pushes to main and on pull requests', () => {
		const ci = workflow('ci.yml');
		expect(ci).toMatch(/^on:\n {2}push:\n {4}branches:\n {6}- main\n {2}pull_request:\n/m);
		expect(ci).toMatch(/^ {8}run: \.ci\/run$/m);
	});

	test('publish runs on version tags only, may mint an OIDC token, tests, builds and publishes with provenance', () => {
		const publish = workflow('publish.yml');
		expect(publish).toMatch(/^on:\n {2}push:\n {4}tags:\n {6}- 'v\*\.\*\.\*'\n\n/m);
		expect(publish).not.toMatch(/branches:|pull_request|workflow_dispatch/);
		expect(publish).toMatch(/^ {4}permissions:\n(?: {6}#.*\n)* {6}id-token: write\n {6}contents: read\n/m);
		expect(publish).toMatch(/node-version: 'lts\/\*'/);
		expect(publish).toMatch(/registry-url: 'https:\/\/registry\.npmjs\.org'/);
		const steps = [...publish.matchAll(/^ {8}run: (.+)$/gm)].map((match) => match[1]);
		expect(steps.slice(-4)).toEqual(['npm ci', '.ci/run', 'npm run build', 'npm publish --provenance --access public']);
		// No stored token but the optional one for the very first version (trusted publishing needs the package to exist).
		expect([...publish.matchAll(/secrets\.\w+/g)].map((match) => match[0])).toEqual(['secrets.NPM_TOKEN']);
		expect(publish).toMatch(/run: npm publish --provenance --access public\n {8}env:\n {10}NODE_AUTH_TOKEN: \$\{\{ secrets\.NPM_TOKEN \}\}\n$/);
	});
});

describe('the package as npm publishes it', () => {
	test('the tarball holds only dist/ (code, codex files, icons), README.md, LICENSE.md, CHANGELOG.md and package.json', () => {
		const run = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, env: outsideCi(), encoding: 'utf8' });
		expect(run.status).toBe(0);
		const files: string[] = JSON.parse(run.stdout)[0].files.map((file: { path: string }) => file.path);
		const topLevel = ['CHANGELOG.md', 'LICENSE.md', 'README.md', 'package.json'];
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(topLevel);
		// dist/ comes from `npm run build` (npm test builds first).
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
		// Compiled code, its codex files and the icons, nothing else: a build step that copied every image
		// in the tree (as `n8n-node build` does) would ship the browser test's screenshots from test-artifacts/.
		const shipped = /^dist\/(?:(?:nodes|credentials)\/.+\.(?:js|d\.ts|js\.map|node\.json)|icons\/[^/]+\.svg|package\.json)$/;
		expect(files.filter((file) => file.startsWith('dist/') && !shipped.test(file))).toEqual([]);
	});

	test('repository, homepage and bugs name one GitHub repository', () => {
		expect(repo).toBeDefined();
		expect(pkg.repository.type).toBe('git');
		expect(githubRepo(pkg.homepage)).toBe(repo);
		expect(githubRepo(pkg.bugs?.url)).toBe(repo);
		expect(pkg.bugs.url).toBe(`https://github.com/${repo}/issues`);
	});

	test('CHANGELOG.md has an Unreleased section and an entry for the version in package.json', () => {
		const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toMatch(/^## Unreleased$/m);
		expect(changelog).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}(?: \\(\\d{4}-\\d{2}-\\d{2}\\))?$`, 'm'));
	});
});
