/**
 * Every link between this package's documents resolves: each relative link and anchor in README.md, docs/*.md,
 * CONTRIBUTING.md and CHANGELOG.md names a file that exists and, for a Markdown file, a heading it has (GitHub's
 * anchors); and every URL to this repository's files in the nodes' and credentials' descriptions and codex files
 * (`<repository>/blob/main/<path>`), and in the documents, names a file and heading that exist here.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const repoUrl = String(manifest.repository.url)
	.replace(/^git\+/, '')
	.replace(/\.git$/, '');
const BLOB = new RegExp(`${repoUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/(?:blob|tree)/main/([^\\s'"\`)#]+)(#[^\\s'"\`)]*)?`, 'g');

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
const read = (file: string) => fs.readFileSync(file, 'utf8');

/** Markdown without fenced code blocks (line count kept) and without inline code spans. */
function prose(markdown: string): string {
	let fenced = false;
	return markdown
		.split('\n')
		.map((line) => {
			if (/^\s*(```|~~~)/.test(line)) {
				fenced = !fenced;
				return '';
			}
			return fenced ? '' : line.replace(/(`+)[\s\S]*?\1/g, '');
		})
		.join('\n');
}

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`, repeats numbered. */
function anchors(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const result = new Set<string>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const text = heading[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
		const slug = text
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		result.add(count === 0 ? slug : `${slug}-${count}`);
	}
	return result;
}

/** What a link names, or why it does not resolve. */
function problem(target: string, anchor: string | undefined, from: string): string | undefined {
	const file = target === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(target));
	const name = rel(file);
	if (!fs.existsSync(file)) return `${name} does not exist`;
	if (!anchor) return undefined;
	if (!file.endsWith('.md')) return `${name} is not Markdown, so it has no #${anchor}`;
	return anchors(read(file)).has(decodeURIComponent(anchor).toLowerCase()) ? undefined : `${name} has no heading #${anchor}`;
}

const documents = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	...fs
		.readdirSync(path.join(root, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

function walk(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? walk(full) : /\.(ts|json)$/.test(entry.name) ? [full] : [];
	});
}

test('the documents a reader is sent to exist', () => {
	for (const name of [
		'README.md',
		'CONTRIBUTING.md',
		'CHANGELOG.md',
		'docs/privacy.md',
		'docs/operations.md',
		'docs/receipts.md',
		'docs/securing-webhooks.md',
	]) {
		expect(fs.existsSync(path.join(root, name)) ? name : `${name} is missing`).toBe(name);
	}
});

test('the README is short enough to read in one sitting (250 lines at most)', () => {
	expect(read(path.join(root, 'README.md')).trimEnd().split('\n').length).toBeLessThanOrEqual(250);
});

test.each(documents)('every relative link and anchor in %s resolves', (name) => {
	const file = path.join(root, name);
	const text = prose(read(file));
	const broken: string[] = [];
	let links = 0;
	for (const match of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
		const href = match[1];
		if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith(repoUrl)) continue;
		links++;
		const line = text.slice(0, match.index).split('\n').length;
		if (href.startsWith(repoUrl)) {
			const blob = new RegExp(BLOB.source).exec(href);
			const failure = blob ? problem(path.relative(path.dirname(file), path.join(root, blob[1])), blob[2]?.slice(1), file) : undefined;
			if (failure) broken.push(`${name}:${line} ${href}: ${failure}`);
			continue;
		}
		const [target, anchor] = href.split('#', 2) as [string, string | undefined];
		const failure = problem(target, anchor, file);
		if (failure) broken.push(`${name}:${line} ${href}: ${failure}`);
	}
	expect(broken).toEqual([]);
	if (name === 'README.md') expect(links).toBeGreaterThan(0);
});

test("every URL to this repository's files in the nodes' and credentials' descriptions and codex files resolves", () => {
	const broken: string[] = [];
	const found: string[] = [];
	for (const file of [...walk(path.join(root, 'nodes')), ...walk(path.join(root, 'credentials'))]) {
		for (const match of read(file).matchAll(BLOB)) {
			found.push(match[0]);
			const failure = problem(match[1], match[2]?.slice(1), path.join(root, 'package.json'));
			if (failure) broken.push(`${rel(file)}: ${match[0]}: ${failure}`);
		}
	}
	expect(broken).toEqual([]);
	// The Erasure Receipts node and the signing key credential point to docs/receipts.md.
	expect(found.length).toBeGreaterThanOrEqual(2);
});

test('the link checker itself finds a missing file, a missing heading and a wrong URL', () => {
	const readme = path.join(root, 'README.md');
	expect(problem('docs/no-such-page.md', undefined, readme)).toBe('docs/no-such-page.md does not exist');
	expect(problem('docs/receipts.md', 'no-such-heading', readme)).toBe('docs/receipts.md has no heading #no-such-heading');
	expect(problem('docs/receipts.md', 'the-key', readme)).toBeUndefined();
	expect(anchors('# A `code` title, (with) punctuation!\n## Dup\n## Dup\n```\n# not a heading\n```\n')).toEqual(
		new Set(['a-code-title-with-punctuation', 'dup', 'dup-1']),
	);
	const wrong = `${repoUrl}/blob/main/docs/nowhere.md`;
	const match = new RegExp(BLOB.source).exec(wrong);
	expect(match && problem(match[1], undefined, path.join(root, 'package.json'))).toBe('docs/nowhere.md does not exist');
});
