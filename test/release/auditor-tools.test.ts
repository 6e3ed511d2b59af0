/**
 * The two ways an auditor checks receipts without n8n: scripts/verify-receipts.mjs (every export form) and the
 * stock-OpenSSL recipe of docs/receipts.md (scripts/verify-with-openssl.sh). Each on a genuine run and a tampered one.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { fromPrivateKey } from '../../nodes/shared/receipts/signingKey';
import { signRun } from '../../nodes/shared/receipts/statement';

const root = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'receipts-'));
const pair = generateKeyPairSync('ed25519');
const key = fromPrivateKey(pair.privateKey);
const publicPem = path.join(work, 'receipt-public.pem');
writeFileSync(publicPem, pair.publicKey.export({ format: 'pem', type: 'spki' }).toString());

const records = [
	{ provider: 'streamVideo', callId: 'a', cid: 'default:a', deleted: true, outcome: 'deleted', httpStatus: 201, taskId: 't-1' },
	{ provider: 'streamVideo', callId: 'b', cid: 'default:b', deleted: false, outcome: 'not_found', httpStatus: 404 },
	{ error: 'Stream Video: Call ID is empty', details: { provider: 'streamVideo' } },
];
const receipts = signRun(key, { iss: 'Example Ltd', execution: '31', node: 'Erase calls' }, records);
const items = records.map((record, seq) => ({ ...record, receipt: receipts[seq] }));

function write(name: string, content: unknown): string {
	const file = path.join(work, name);
	writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
	return file;
}

const run = (command: string, args: string[]) => {
	const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
	return { status: result.status, out: `${result.stdout}${result.stderr}` };
};
const verifyReceipts = (file: string) => run(process.execPath, ['scripts/verify-receipts.mjs', '--key', publicPem, file]);
const openssl = (...args: string[]) => run('sh', ['scripts/verify-with-openssl.sh', ...args]);

describe('verify-receipts', () => {
	test('a complete run, stored as n8n items, in another order: every receipt verifies', () => {
		const result = verifyReceipts(
			write(
				'items.json',
				[items[2], items[0], items[1]].map((json) => ({ json })),
			),
		);
		expect(result.out).toMatch(/^OK {3}run [0-9a-f-]+ \(node "Erase calls", execution 31, 3 item\(s\)/m);
		expect(result.out).toMatch(/All receipts verify\./);
		expect(result.status).toBe(0);
	});

	test('a dropped item and a changed field each fail, saying which', () => {
		const dropped = verifyReceipts(write('dropped.json', [items[0], items[2]]));
		expect(dropped.status).toBe(1);
		expect(dropped.out).toMatch(/FAIL run .*: 1 of 3 item\(s\) missing: seq 1/);
		const changed = verifyReceipts(write('changed.json', [items[0], { ...items[1], deleted: true }, items[2]]));
		expect(changed.status).toBe(1);
		expect(changed.out).toMatch(/FAIL item 1 \(run .* seq 1\): field "deleted" differs from the signed record/);
	});

	test("an n8n execution as its public API returns it, and a data table's CSV export", () => {
		const execution = {
			id: '31',
			data: { resultData: { runData: { 'Erase calls': [{ data: { main: [items.map((json) => ({ json }))] } }] } } },
		};
		expect(verifyReceipts(write('execution.json', execution)).status).toBe(0);
		const csvCell = (value: unknown) => `"${String(value).replace(/"/g, '""')}"`;
		const header = 'id,callId,outcome,deleted,receipt';
		const rows = items.map((item, row) =>
			[
				row + 1,
				item.callId ?? '',
				(item as { outcome?: string }).outcome ?? '',
				(item as { deleted?: boolean }).deleted ?? '',
				JSON.stringify(item.receipt),
			]
				.map(csvCell)
				.join(','),
		);
		expect(verifyReceipts(write('table.csv', [header, ...rows].join('\r\n'))).status).toBe(0);
		const forged = [header, rows[0], rows[1].replace('"false"', '"true"'), rows[2]].join('\n');
		const result = verifyReceipts(write('forged.csv', forged));
		expect(result.status).toBe(1);
		expect(result.out).toMatch(/field "deleted" differs from the signed record/);
	});
});

describe('the OpenSSL recipe', () => {
	test('the key ID of the published key, derived with OpenSSL, is the kid every receipt names', () => {
		const result = openssl('kid', publicPem);
		expect(result.status).toBe(0);
		expect(result.out.trim()).toBe(key.kid);
	});

	test('one genuine receipt verifies; one with a changed byte does not', () => {
		const genuine = openssl('verify', publicPem, items[0].receipt.jws);
		expect(genuine.out).toMatch(/Signature Verified Successfully/);
		expect(genuine.out).toContain(`"record":{"callId":"a","cid":"default:a","deleted":true`);
		expect(genuine.status).toBe(0);
		const [header, payload, signature] = items[0].receipt.jws.split('.');
		const edited = Buffer.from(payload, 'base64url').toString().replace('"deleted":true', '"deleted":fals');
		const tampered = openssl('verify', publicPem, `${header}.${Buffer.from(edited).toString('base64url')}.${signature}`);
		expect(tampered.out).toMatch(/Signature Verification Failure/);
		expect(tampered.status).not.toBe(0);
		expect(openssl('verify', publicPem, items[0].receipt.head).status).toBe(0);
	});

	test('jq shows a run complete, and names what a run with a dropped item lacks', () => {
		expect(openssl('runs', write('run.json', items)).out).toMatch(/ size 3: complete/);
		expect(openssl('runs', write('short.json', [items[0], items[2]])).out).toMatch(/ size 3: INCOMPLETE, present \[0,2\]/);
	});
});
