/**
 * scripts/verify-like-n8n.mjs (`npm run scan`) runs n8n's verification lint as @n8n/scan-community-package does:
 * the source (package.json, nodes/, credentials/) and the packed tarball (its .js and package.json), with the
 * scanner's rules and every eslint-disable comment ignored. Needs `npm run build` first (the tarball is dist/).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const scan = () => spawnSync(process.execPath, ['scripts/verify-like-n8n.mjs'], { cwd: root, encoding: 'utf8' });

test('both lint legs pass, and the script says provenance is not checked offline', () => {
	const run = scan();
	expect(run.stderr).toBe('');
	expect(run.status).toBe(0);
	expect(run.stdout).toMatch(/^✅ lint, scanner rules, eslint-disable ignored: source \(commit [0-9a-f]{7}.*\): \d+ files of package\.json, \{nodes,credentials\}/m);
	expect(run.stdout).toMatch(/^✅ lint, scanner rules, eslint-disable ignored: tarball \(n8n-nodes-call-deletion-[\d.]+\.tgz, \d+ entries\): \d+ files of \*\*\/\*\.js, package\.json/m);
	expect(run.stdout).toMatch(/provenance: not checked here .* parses as github\.com\/n8n-nodes-call-deletion\/n8n-nodes-call-deletion/);
});

test('a finding behind an eslint-disable comment in nodes/ fails the scan, as in verification', () => {
	const probe = path.join(root, 'nodes', 'shared', 'zzVerificationProbe.ts');
	fs.writeFileSync(probe, '/* eslint-disable */\n// eslint-disable-next-line no-console\nconsole.log(1);\n');
	try {
		const run = scan();
		expect(run.status).toBe(1);
		expect(run.stdout).toMatch(/^❌ lint, scanner rules, eslint-disable ignored: source \(commit [0-9a-f]{7} \+ uncommitted changes\)/m);
		expect(run.stdout).toContain('zzVerificationProbe.ts');
		expect(run.stdout).toContain('no-console');
	} finally {
		fs.rmSync(probe, { force: true });
	}
});

test('CI runs the verification checks as a step of its own', () => {
	const ci = fs.readFileSync(path.join(root, '.github', 'workflows', 'ci.yml'), 'utf8');
	expect(ci).toMatch(/^ {6}- name: n8n verification checks.*\n(?: {8}#.*\n)* {8}run: npm run scan$/m);
	expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.scan).toBe('node scripts/verify-like-n8n.mjs');
});
