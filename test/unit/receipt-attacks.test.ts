/**
 * What an auditor's check must catch: every way a stored run of receipts can be edited, dropped, invented or
 * re-signed is refused with a reason, and only a run shown whole, in any order, verifies.
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

import { fromPrivateKey } from '../../nodes/shared/receipts/signingKey';
import { signRun } from '../../nodes/shared/receipts/statement';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';

type Item = Record<string, unknown> & { receipt: { jws: string; head: string } };

const newKey = () => fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const key = newKey();
const keys = verifyingKeysFrom(key.publicKey.export({ format: 'pem', type: 'spki' }).toString());
const records = [
	{ provider: 'huskyVoice', callId: 'call_1', deleted: true, outcome: 'deleted', httpStatus: 200 },
	{ provider: 'huskyVoice', callId: 'call_2', deleted: false, outcome: 'not_found', httpStatus: 404 },
	{ error: 'HuskyVoice: down', details: { provider: 'huskyVoice', callId: 'call_3', httpStatus: 503 } },
	{ provider: 'huskyVoice', callId: 'call_4', deleted: true, outcome: 'deleted', httpStatus: 200 },
];

function signedRun(from = key, node = 'Erase'): Item[] {
	const receipts = signRun(from, { execution: '7', node }, records);
	return records.map((record, seq) => ({ ...structuredClone(record), receipt: receipts[seq] }));
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const parts = (jws: string) => jws.split('.');
const problemsOf = (report: ReturnType<typeof verifyReceipts>) => [
	...report.items.flatMap((item) => item.problems.map((problem) => `item ${item.index}: ${problem}`)),
	...report.batches.flatMap((batch) => batch.problems),
];

test('a whole run verifies, in any order it is stored', () => {
	const run = signedRun();
	expect(verifyReceipts(run, keys)).toMatchObject({
		ok: true,
		batches: [{ complete: true, rootMatches: true, size: 4, node: 'Erase', execution: '7' }],
	});
	expect(verifyReceipts([run[3], run[1], run[0], run[2]], keys).ok).toBe(true);
});

test('a changed field of a record', () => {
	const run = signedRun();
	run[1].deleted = true;
	const report = verifyReceipts(run, keys);
	expect(report.ok).toBe(false);
	expect(problemsOf(report)).toEqual(['item 1: field "deleted" differs from the signed record']);
});

test('a field added to a record that is not an error item', () => {
	const run = signedRun();
	run[0].verified = true;
	expect(problemsOf(verifyReceipts(run, keys))).toEqual(['item 0: field(s) "verified" are not in the signed record']);
});

test('a changed header: another kid, another typ, alg none, HS256 keyed with the public key', () => {
	const run = signedRun();
	const [header, payload, signature] = parts(run[0].receipt.jws);
	const decoded = JSON.parse(Buffer.from(header, 'base64url').toString());
	const publicKeyBytes = key.publicKey.export({ format: 'der', type: 'spki' });
	const hs256Header = b64({ alg: 'HS256', kid: decoded.kid, typ: decoded.typ });
	const forged = [
		`${b64({ ...decoded, kid: 'another-key' })}.${payload}.${signature}`,
		`${b64({ ...decoded, typ: 'JWT' })}.${payload}.${signature}`,
		`${b64({ alg: 'none', kid: decoded.kid, typ: decoded.typ })}.${payload}.`,
		`${hs256Header}.${payload}.${createHmac('sha256', publicKeyBytes).update(`${hs256Header}.${payload}`).digest('base64url')}`,
		`${b64({ ...decoded, jwk: key.publicJwk })}.${payload}.${signature}`,
	];
	const messages = forged.map((jws) => verifyReceipts([{ ...run[0], receipt: { ...run[0].receipt, jws } }], keys).items[0].problems[0]);
	expect(messages).toEqual([
		'receipt: signed by an unknown key (kid another-key): not among the published keys given',
		'receipt: typ "JWT" is not erasure-receipt+jws',
		'receipt: alg "none" is refused: only Ed25519 is accepted',
		'receipt: alg "HS256" is refused: only Ed25519 is accepted',
		'receipt: the header has members alg,jwk,kid,typ, not exactly alg, kid and typ',
	]);
});

test('a run signed with a foreign key, even one that claims the published kid', () => {
	const foreign = newKey();
	const run = signedRun(foreign);
	expect(verifyReceipts(run, keys).items[0].problems[0]).toMatch(/unknown key/);
	const claimed = run.map((item) => {
		const [, payload, signature] = parts(item.receipt.jws);
		return {
			...item,
			receipt: { ...item.receipt, jws: `${b64({ alg: 'Ed25519', kid: key.kid, typ: 'erasure-receipt+jws' })}.${payload}.${signature}` },
		};
	});
	expect(verifyReceipts(claimed, keys).items[0].problems[0]).toMatch(/signature does not hold/);
});

test('a dropped item, and a dropped last item', () => {
	const run = signedRun();
	expect(problemsOf(verifyReceipts([run[0], run[2], run[3]], keys))).toEqual(['1 of 4 item(s) missing: seq 1']);
	expect(problemsOf(verifyReceipts(run.slice(0, 3), keys))).toEqual(['1 of 4 item(s) missing: seq 3']);
});

test('a duplicated item', () => {
	const run = signedRun();
	expect(problemsOf(verifyReceipts([...run, structuredClone(run[2])], keys))).toEqual(['seq 2 shown more than once']);
});

test('the receipts of two items swapped', () => {
	const run = signedRun();
	[run[0].receipt, run[3].receipt] = [run[3].receipt, run[0].receipt];
	expect(problemsOf(verifyReceipts(run, keys))).toEqual([
		'item 0: field "callId" differs from the signed record',
		'item 3: field "callId" differs from the signed record',
	]);
});

test('an item spliced in from another run of the same records', () => {
	const run = signedRun();
	const other = signedRun(key, 'Erase');
	const report = verifyReceipts([run[0], run[1], other[2], run[3]], keys);
	expect(report.ok).toBe(false);
	expect(report.batches.map((batch) => batch.problems)).toEqual([
		['1 of 4 item(s) missing: seq 2'],
		['3 of 4 item(s) missing: seq 0, 1, 3'],
	]);
});

test('a head taken from another run, and a receipt whose payload is not canonical', () => {
	const run = signedRun();
	const otherHead = signedRun()[0].receipt.head;
	expect(verifyReceipts([{ ...run[0], receipt: { ...run[0].receipt, head: otherHead } }], keys).items[0].problems).toContain(
		"the head's batch differs from the receipt's: the receipt belongs to another run",
	);
	const [header, payload] = parts(run[0].receipt.jws);
	const spaced = b64(JSON.stringify(JSON.parse(Buffer.from(payload, 'base64url').toString()), null, 1));
	const privateSigned = sign(null, Buffer.from(`${header}.${spaced}`), key.privateKey).toString('base64url');
	expect(
		verifyReceipts([{ ...run[0], receipt: { ...run[0].receipt, jws: `${header}.${spaced}.${privateSigned}` } }], keys).items[0].problems,
	).toEqual(['receipt: the signed payload is not RFC 8785 canonical JSON']);
});

test('an item with no receipt, and the input fields n8n adds beside an error item', () => {
	const run = signedRun();
	const report = verifyReceipts([{ callId: 'call_x' }, { ...run[2], id: 'call_3' }, run[0], run[1], run[3]], keys);
	expect(report.items[0].problems).toEqual(['no receipt (a "receipt" with "jws" and "head")']);
	expect(report.items[1]).toMatchObject({ valid: true, unsignedFields: ['id'] });
});
