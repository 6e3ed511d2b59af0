/**
 * Erasure receipts rest on four published standards; each is checked here against its own published vectors
 * (test/fixtures/vectors, sources in its README), and every receipt against an independent JOSE library and a
 * second RFC 8785 implementation.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { canonicalize } from 'json-canonicalize';

import { canonicalJson } from '../../nodes/shared/receipts/canonicalJson';
import { parseCompact, signatureHolds, signCompact } from '../../nodes/shared/receipts/jws';
import { merkleTreeHash } from '../../nodes/shared/receipts/merkleTree';
import { fromPrivateKey, loadSigningKey, ReceiptKeyProblem } from '../../nodes/shared/receipts/signingKey';
import { signRun } from '../../nodes/shared/receipts/statement';

const VECTORS = path.join(__dirname, '..', 'fixtures', 'vectors');
const ed25519 = JSON.parse(readFileSync(path.join(VECTORS, 'ed25519-jose.json'), 'utf8'));
const RFC8037 = ed25519.rfc8037_appendixA as { jwk: Record<string, string>; thumbprint: string; jwsPayload: string; jwsCompact: string };
const rfcKey = () => fromPrivateKey(createPrivateKey({ key: RFC8037.jwk, format: 'jwk' }));
const hexToBase64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe('RFC 8032 §7.1 and RFC 8037 Appendix A, byte for byte', () => {
	const rfc8032 = (ed25519.rfc8032_section7_1.tests as Array<Record<string, string>>).map(
		(vector, index): [number, Record<string, string>] => [index + 1, vector],
	);
	test.each(rfc8032)('RFC 8032 TEST %i: the public key and signature of the published secret key', (_number, vector) => {
		const x = hexToBase64url(vector.publicKey);
		const key = fromPrivateKey(
			createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: hexToBase64url(vector.secretKey), x }, format: 'jwk' }),
		);
		expect(key.publicJwk.x).toBe(x);
		// A JWS over an empty header part signs exactly "<header>.<payload>"; the raw primitive is what RFC 8032 pins.
		const jws = signCompact({ alg: 'Ed25519' }, Buffer.from(vector.message, 'hex'), key.privateKey);
		const parsed = parseCompact(jws);
		if ('problem' in parsed) throw new Error(parsed.problem);
		expect(signatureHolds(parsed, key.publicKey)).toBe(true);
		const { sign } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
		expect(sign(null, Buffer.from(vector.message, 'hex'), key.privateKey).toString('hex')).toBe(vector.signature);
	});

	test('A.3: the key ID is the RFC 7638 thumbprint of the public key, as published and as jose computes it', async () => {
		const key = rfcKey();
		expect(key.kid).toBe(RFC8037.thumbprint);
		expect(await calculateJwkThumbprint(key.publicJwk, 'sha256')).toBe(RFC8037.thumbprint);
	});

	test('A.4: the published JWS is produced exactly; A.5: it verifies here and in jose', async () => {
		const key = rfcKey();
		expect(signCompact({ alg: 'EdDSA' }, Buffer.from(RFC8037.jwsPayload), key.privateKey)).toBe(RFC8037.jwsCompact);
		const parsed = parseCompact(RFC8037.jwsCompact);
		if ('problem' in parsed) throw new Error(parsed.problem);
		expect(signatureHolds(parsed, key.publicKey)).toBe(true);
		const verified = await compactVerify(RFC8037.jwsCompact, await importJWK({ ...key.publicJwk }, 'EdDSA'));
		expect(Buffer.from(verified.payload).toString()).toBe(RFC8037.jwsPayload);
	});
});

describe("RFC 8785 (JCS), the reference implementation's test data", () => {
	const names = readdirSync(path.join(VECTORS, 'jcs', 'input'));
	test.each(names)('%s canonicalises to the published bytes, as json-canonicalize does', (name) => {
		const input = JSON.parse(readFileSync(path.join(VECTORS, 'jcs', 'input', name), 'utf8'));
		const expected = Buffer.from(
			readFileSync(path.join(VECTORS, 'jcs', 'outhex', name.replace(/\.json$/, '.txt')), 'utf8').replace(/\s+/g, ''),
			'hex',
		);
		expect(Buffer.from(canonicalJson(input), 'utf8')).toEqual(expected);
		expect(canonicalize(input)).toBe(canonicalJson(input));
	});

	test('what JSON cannot hold is refused or left out, as a stored record would read back', () => {
		expect(canonicalJson({ b: undefined, a: [undefined, 1], c: -0 })).toBe('{"a":[null,1],"c":0}');
		expect(() => canonicalJson({ n: Number.NaN })).toThrow(/no number NaN/);
		expect(() => canonicalJson({ n: 10n })).toThrow(/no bigint/);
	});
});

describe('RFC 9162 §2.1.1 Merkle tree hash', () => {
	const merkle = JSON.parse(readFileSync(path.join(VECTORS, 'merkle', 'rfc6962-roots.json'), 'utf8')) as {
		leavesHex: string[];
		rootHexBySize: string[];
	};
	test.each(merkle.rootHexBySize.map((root, size) => [size, root]))('a tree of %i leaves has the published root', (size, root) => {
		const leaves = merkle.leavesHex.slice(0, size as number).map((hex) => Buffer.from(hex, 'hex'));
		expect(merkleTreeHash(leaves).toString('hex')).toBe(root);
	});
});

describe('The signing key', () => {
	test('an Ed25519 PKCS#8 PEM is read, also when a password field lost its line breaks', () => {
		const { privateKey } = generateKeyPairSync('ed25519');
		const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
		const kid = loadSigningKey(pem).kid;
		expect(loadSigningKey(pem.replace(/\n/g, ' ')).kid).toBe(kid);
		expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});

	test('anything else is refused, saying what was given and what to run', () => {
		const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
		const ed = generateKeyPairSync('ed25519');
		const encrypted = ed.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pass-phrase' }).toString();
		const publicPem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();
		const cases: Array<[unknown, RegExp]> = [
			['', /No private key was given.*openssl genpkey -algorithm ed25519/],
			['not a key', /not a PEM key.*openssl genpkey/],
			[rsa, /RSA private key; receipts are signed with Ed25519.*openssl genpkey/],
			[encrypted, /encrypted with a passphrase.*openssl pkey/],
			[publicPem, /This is a public key/],
			['-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----', /could not be read/],
		];
		for (const [given, message] of cases) {
			expect(() => loadSigningKey(given)).toThrow(ReceiptKeyProblem);
			expect(() => loadSigningKey(given)).toThrow(message);
		}
	});
});

describe('A signed run', () => {
	const records = [
		{ provider: 'streamVideo', callId: 'a', deleted: true, outcome: 'deleted', httpStatus: 201 },
		{ provider: 'streamVideo', callId: 'b', deleted: false, outcome: 'not_found', httpStatus: 404 },
		{ error: 'Stream Video: Call ID is empty', details: { provider: 'streamVideo' } },
	];
	const run = {
		iss: 'https://controller.example',
		execution: '42',
		node: 'Erase',
		batch: '6f1c3c2e-8a2b-4c55-9d0e-2b7f0e1d9a10',
		issuedAt: '2026-12-06T00:00:00.000Z',
	};

	test('golden: the RFC 8037 key and fixed inputs give these exact receipts, so the format cannot drift', () => {
		const receipts = signRun(rfcKey(), run, records);
		expect(receipts.map((receipt) => receipt.jws)).toEqual(GOLDEN.jws);
		expect(new Set(receipts.map((receipt) => receipt.head))).toEqual(new Set([GOLDEN.head]));
	});

	test('every receipt and the head verify in jose with the pinned algorithm, and carry the statement of the contract', async () => {
		const key = rfcKey();
		const receipts = signRun(key, { ...run, batch: undefined, issuedAt: undefined }, records);
		const publicKey = await importJWK({ ...key.publicJwk }, 'Ed25519');
		const statements = [];
		for (const [seq, receipt] of receipts.entries()) {
			const { payload, protectedHeader } = await compactVerify(receipt.jws, publicKey, { algorithms: ['Ed25519'] });
			expect(protectedHeader).toEqual({ alg: 'Ed25519', kid: RFC8037.thumbprint, typ: 'erasure-receipt+jws' });
			const text = Buffer.from(payload).toString('utf8');
			const statement = JSON.parse(text);
			expect(canonicalize(statement)).toBe(text);
			expect(statement).toEqual({
				v: 1,
				iss: run.iss,
				batch: expect.stringMatching(/^[0-9a-f-]{36}$/),
				execution: '42',
				node: 'Erase',
				seq,
				size: 3,
				issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				record: records[seq],
			});
			statements.push(Buffer.from(payload));
		}
		const head = await compactVerify(receipts[0].head, publicKey, { algorithms: ['Ed25519'] });
		expect(head.protectedHeader).toEqual({ alg: 'Ed25519', kid: RFC8037.thumbprint, typ: 'erasure-batch+jws' });
		const headStatement = JSON.parse(Buffer.from(head.payload).toString('utf8'));
		expect(headStatement).toMatchObject({ v: 1, size: 3, tree: 'RFC9162_SHA256', node: 'Erase', execution: '42' });
		expect(headStatement.root).toBe(merkleTreeHash(statements).toString('base64url'));
	});

	test('without an issuer, iss is left out; a run of no items has the empty tree', async () => {
		const [receipt] = signRun(rfcKey(), { execution: null, node: 'n' }, [{ deleted: true }]);
		const statement = JSON.parse(Buffer.from(receipt.jws.split('.')[1], 'base64url').toString());
		expect(statement).not.toHaveProperty('iss');
		expect(statement.execution).toBeNull();
		expect(signRun(rfcKey(), { execution: null, node: 'n' }, [])).toEqual([]);
	});
});

/**
 * Written once from the inputs of the golden test with the RFC 8037 key (Ed25519 signatures are deterministic,
 * RFC 8032 §5.1.6). A change here is a change of the receipt format: a new statement version, never an edit.
 */
const GOLDEN = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'golden-receipts.json'), 'utf8')) as {
	jws: string[];
	head: string;
};
