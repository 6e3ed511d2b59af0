// prepublishOnly: refuses `npm publish` anywhere but the publish workflow. n8n accepts community nodes
// only when they were published from GitHub Actions with an npm provenance statement (since 1 May 2026),
// and its scanner checks that the attested repository is the one package.json names. n8n-node's own
// `prerelease` only checks that RELEASE_MODE is set; this checks what provenance will attest instead:
// GitHub Actions, this repository's .github/workflows/publish.yml, the tag of this version, an OIDC
// token, and --provenance.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** owner/name of the GitHub repository package.json's `repository` names. */
function githubRepo(repository) {
	const url = typeof repository === 'string' ? repository : repository?.url ?? '';
	const match = /github\.com[/:]([^/]+)\/([^/#?]+?)(?:\.git)?(?:[/#?].*)?$/i.exec(url);
	return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Why a publish in this environment is refused; empty when it is the publish workflow. */
function refusals(env, manifest) {
	const repo = githubRepo(manifest.repository);
	if (!repo) return ['package.json "repository" names no GitHub repository'];
	if (env.GITHUB_ACTIONS !== 'true') return ['this is not GitHub Actions (GITHUB_ACTIONS is not "true")'];
	const reasons = [];
	const expected = `${repo}/.github/workflows/publish.yml@refs/tags/v${manifest.version}`;
	if ((env.GITHUB_WORKFLOW_REF ?? '').toLowerCase() !== expected.toLowerCase()) {
		reasons.push(`the workflow is ${env.GITHUB_WORKFLOW_REF || '(unknown)'}, not ${expected}`);
	}
	if (!env.ACTIONS_ID_TOKEN_REQUEST_URL) reasons.push('the job has no OIDC token (it needs "permissions: id-token: write")');
	if (env.npm_config_provenance !== 'true') reasons.push('npm publish was run without --provenance');
	return reasons;
}

const reasons = refusals(process.env, pkg);
if (reasons.length > 0) {
	process.stderr.write(
		[
			`${pkg.name}: npm publish refused.`,
			'This package is published only by .github/workflows/publish.yml on a version tag: GitHub Actions with',
			'npm provenance, which n8n requires for community nodes since 1 May 2026.',
			'To release: npm run release -- <patch|minor|major>, then push the commit and its tag',
			'(git push --follow-tags). See CONTRIBUTING.md, "Release".',
			...reasons.map((reason) => `Refused because ${reason}.`),
			'',
		].join('\n'),
	);
	process.exit(1);
}
process.stdout.write(`${pkg.name}@${pkg.version}: publishing from ${process.env.GITHUB_WORKFLOW_REF} with provenance.\n`);
