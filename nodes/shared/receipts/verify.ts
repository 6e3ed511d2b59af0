import { createPublicKey, type KeyObject } from 'node:crypto';

import { canonicalJson } from './canonicalJson';
import { parseCompact, signatureHolds, type ParsedJws } from './jws';
import { merkleTreeHash } from './merkleTree';
import { thumbprint } from './signingKey';
import { BATCH_TYP, RECEIPT_ALG, RECEIPT_TYP, STATEMENT_VERSION, TREE } from './statement';

/** A published public key a verifier trusts, by its key ID. */
export interface VerifyingKey {
	kid: string;
	publicKey: KeyObject;
}

type Json = Record<string, unknown>;

/**
 * How a stored item is compared with the record its receipt signed. `exact`: every field shown must be the signed
 * one (items as n8n or a CRM stored them). `columns`: a table's cells (a CSV export) compared as text where a column
 * has a record field's name; other columns are not compared.
 */
export type Comparison = 'exact' | 'columns';

/** What one stored item's receipt shows. */
export interface ItemVerdict {
	index: number;
	valid: boolean;
	problems: string[];
	batch?: string;
	seq?: number;
	size?: number;
	kid?: string;
	/** Fields shown beside an error item that its receipt does not sign (n8n's error output adds the input item's). */
	unsignedFields?: string[];
}

/** Whether a node run's receipts are all here, once each, and add up to its signed head. */
export interface BatchVerdict {
	batch: string;
	node?: string;
	execution?: string | null;
	iss?: string;
	size?: number;
	issuedAt?: string;
	complete: boolean;
	missing: number[];
	duplicated: number[];
	/** The tree root of the statements matches the head's; null when the batch is incomplete. */
	rootMatches: boolean | null;
	problems: string[];
}

export interface VerificationReport {
	ok: boolean;
	items: ItemVerdict[];
	batches: BatchVerdict[];
}

const PUBLIC_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;

/** Every Ed25519 public key (SPKI PEM) in a text, by key ID; anything else in the text is ignored. */
export function verifyingKeysFrom(text: string): VerifyingKey[] {
	const keys: VerifyingKey[] = [];
	for (const pem of text.match(PUBLIC_PEM) ?? []) {
		const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
		const publicKey = tryPublicKey(body);
		if (!publicKey || publicKey.asymmetricKeyType !== 'ed25519') continue;
		const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
		keys.push({ kid: thumbprint({ crv: 'Ed25519', kty: 'OKP', x }), publicKey });
	}
	return keys;
}

function tryPublicKey(base64: string): KeyObject | undefined {
	try {
		return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
	} catch {
		return undefined;
	}
}

type Checked = { statement: Json; bytes: Buffer; kid?: string } | { problem: string; kid?: string };

/**
 * Checks one compact JWS as a receipt or head of this format: exactly the header members `alg`, `kid`, `typ`,
 * with `alg` pinned to Ed25519 (so `none`, or HS256 keyed with the public key, never verify), the expected `typ`,
 * a known key, a holding signature, and a payload that is canonical JSON of the statement version.
 */
function checkJws(jws: unknown, typ: string, keys: Map<string, VerifyingKey>): Checked {
	const parsed = parseCompact(jws);
	if ('problem' in parsed) return { problem: parsed.problem };
	const { header } = parsed;
	const kid = typeof header.kid === 'string' ? header.kid : undefined;
	const members = Object.keys(header).sort().join(',');
	if (members !== 'alg,kid,typ') return { problem: `the header has members ${members || '(none)'}, not exactly alg, kid and typ`, kid };
	if (header.alg !== RECEIPT_ALG) return { problem: `alg ${JSON.stringify(header.alg)} is refused: only ${RECEIPT_ALG} is accepted`, kid };
	if (header.typ !== typ) return { problem: `typ ${JSON.stringify(header.typ)} is not ${typ}`, kid };
	const key = kid === undefined ? undefined : keys.get(kid);
	if (!key) return { problem: `signed by an unknown key (kid ${String(kid)}): not among the published keys given`, kid };
	if (!signatureHolds(parsed as ParsedJws, key.publicKey))
		return { problem: 'the signature does not hold: the receipt was changed or signed by another key', kid };
	const text = parsed.payload.toString('utf8');
	let statement: unknown;
	try {
		statement = JSON.parse(text);
	} catch {
		return { problem: 'the signed payload is not JSON', kid };
	}
	if (typeof statement !== 'object' || statement === null || Array.isArray(statement))
		return { problem: 'the signed payload is not a JSON object', kid };
	if (canonicalJson(statement) !== text) return { problem: 'the signed payload is not RFC 8785 canonical JSON', kid };
	if ((statement as Json).v !== STATEMENT_VERSION)
		return { problem: `statement version ${JSON.stringify((statement as Json).v)} is not ${STATEMENT_VERSION}`, kid };
	return { statement: statement as Json, bytes: parsed.payload, kid };
}

const RUN_FIELDS = ['iss', 'batch', 'execution', 'node', 'size', 'issuedAt'] as const;

/**
 * Verifies stored items with their receipts: each item against its own receipt, then each node run (batch) for
 * completeness (every `seq` of 0…size−1 exactly once) and against its signed head (the RFC 9162 root). Items may
 * come in any order. Every problem is named; nothing is valid by default.
 */
export function verifyReceipts(items: Json[], keys: VerifyingKey[], comparison: Comparison = 'exact'): VerificationReport {
	const byKid = new Map(keys.map((key) => [key.kid, key]));
	const heads = new Map<string, Checked>();
	const batches = new Map<
		string,
		{ head?: string; headStatement?: Json; problems: Set<string>; statements: Map<number, Buffer>; duplicated: Set<number>; size?: number }
	>();
	const verdicts: ItemVerdict[] = items.map((item, index) => {
		const problems: string[] = [];
		const verdict: ItemVerdict = { index, valid: false, problems };
		const receipt = readReceipt(item.receipt ?? receiptInDetails(item));
		if (!receipt) {
			problems.push('no receipt (a "receipt" with "jws" and "head")');
			return verdict;
		}
		const checked = checkJws(receipt.jws, RECEIPT_TYP, byKid);
		if (checked.kid !== undefined) verdict.kid = checked.kid;
		if ('problem' in checked) {
			problems.push(`receipt: ${checked.problem}`);
			return verdict;
		}
		const { statement } = checked;
		const batch = typeof statement.batch === 'string' ? statement.batch : undefined;
		const seq = Number.isInteger(statement.seq) ? (statement.seq as number) : undefined;
		const size = Number.isInteger(statement.size) ? (statement.size as number) : undefined;
		if (batch === undefined || seq === undefined || size === undefined || seq < 0 || seq >= size) {
			problems.push('the statement has no valid batch, seq and size');
			return verdict;
		}
		Object.assign(verdict, { batch, seq, size });
		problems.push(...compareRecord(item, statement.record, comparison, verdict));

		let head = heads.get(receipt.head);
		if (!head) {
			head = checkJws(receipt.head, BATCH_TYP, byKid);
			heads.set(receipt.head, head);
		}
		if ('problem' in head) problems.push(`head: ${head.problem}`);
		else {
			for (const field of RUN_FIELDS) {
				if (canonicalJson(head.statement[field] ?? null) !== canonicalJson(statement[field] ?? null)) {
					problems.push(`the head's ${field} differs from the receipt's: the receipt belongs to another run`);
				}
			}
		}

		let run = batches.get(batch);
		if (!run) {
			run = { problems: new Set(), statements: new Map(), duplicated: new Set(), size };
			batches.set(batch, run);
		}
		if (!('problem' in head) && head.statement.batch === batch) {
			if (run.head === undefined) Object.assign(run, { head: receipt.head, headStatement: head.statement });
			else if (run.head !== receipt.head) run.problems.add('its items carry different heads');
		}
		if (run.size !== size) run.problems.add('its items disagree on the run size');
		if (run.statements.has(seq)) run.duplicated.add(seq);
		else run.statements.set(seq, checked.bytes);
		verdict.valid = problems.length === 0;
		return verdict;
	});

	const batchVerdicts = [...batches.entries()].map(([batch, run]) => batchVerdict(batch, run));
	const ok = verdicts.every((verdict) => verdict.valid) && batchVerdicts.every((verdict) => verdict.problems.length === 0);
	return { ok, items: verdicts, batches: batchVerdicts };
}

function batchVerdict(
	batch: string,
	run: { headStatement?: Json; problems: Set<string>; statements: Map<number, Buffer>; duplicated: Set<number>; size?: number },
): BatchVerdict {
	const size = run.size ?? 0;
	const missing: number[] = [];
	for (let seq = 0; seq < size; seq++) if (!run.statements.has(seq)) missing.push(seq);
	const problems = [...run.problems];
	if (missing.length > 0) problems.push(`${missing.length} of ${size} item(s) missing: seq ${summarize(missing)}`);
	const duplicated = [...run.duplicated].sort((a, b) => a - b);
	if (duplicated.length > 0) problems.push(`seq ${summarize(duplicated)} shown more than once`);
	let rootMatches: boolean | null = null;
	if (!run.headStatement) problems.push('no valid head for this run');
	else if (missing.length === 0) {
		const statements = Array.from({ length: size }, (_, seq) => run.statements.get(seq) as Buffer);
		rootMatches = run.headStatement.tree === TREE && merkleTreeHash(statements).toString('base64url') === run.headStatement.root;
		if (!rootMatches) problems.push("the items do not add up to the head's tree root: a record was changed, added or replaced");
	}
	const head = run.headStatement ?? {};
	return {
		batch,
		...(typeof head.node === 'string' ? { node: head.node } : {}),
		...(head.execution !== undefined ? { execution: head.execution as string | null } : {}),
		...(typeof head.iss === 'string' ? { iss: head.iss } : {}),
		size,
		...(typeof head.issuedAt === 'string' ? { issuedAt: head.issuedAt } : {}),
		complete: missing.length === 0 && duplicated.length === 0,
		missing,
		duplicated,
		rootMatches,
		problems,
	};
}

/** Where an error item on n8n's error output carries its receipt (see attachReceipts). */
function receiptInDetails(item: Json): unknown {
	const details = item.details;
	return typeof details === 'object' && details !== null ? (details as Json).receipt : undefined;
}

function readReceipt(value: unknown): { jws: string; head: string } | undefined {
	let receipt = value;
	if (typeof receipt === 'string') {
		try {
			receipt = JSON.parse(receipt);
		} catch {
			return undefined;
		}
	}
	if (typeof receipt !== 'object' || receipt === null) return undefined;
	const { jws, head } = receipt as Json;
	return typeof jws === 'string' && typeof head === 'string' ? { jws, head } : undefined;
}

/** The item as shown against the record as signed. */
function compareRecord(item: Json, record: unknown, comparison: Comparison, verdict: ItemVerdict): string[] {
	if (typeof record !== 'object' || record === null || Array.isArray(record)) return ['the statement has no record'];
	const signed = record as Json;
	const shown = Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'receipt'));
	if (item.receipt === undefined && typeof shown.details === 'object' && shown.details !== null) {
		shown.details = Object.fromEntries(Object.entries(shown.details as Json).filter(([key]) => key !== 'receipt'));
	}
	const problems: string[] = [];
	if (comparison === 'columns') {
		for (const [key, cell] of Object.entries(shown)) {
			if (!(key in signed) || cell === undefined || cell === null || cell === '') continue;
			const value = signed[key];
			const asText = typeof value === 'object' && value !== null ? canonicalJson(value) : String(value);
			if (String(cell) !== asText) problems.push(`field "${key}" differs from the signed record`);
		}
		return problems;
	}
	for (const key of Object.keys(signed)) {
		if (signed[key] === undefined) continue;
		if (!(key in shown)) problems.push(`field "${key}" of the signed record is missing`);
		else if (canonicalJson(shown[key]) !== canonicalJson(signed[key])) problems.push(`field "${key}" differs from the signed record`);
	}
	const extra = Object.keys(shown).filter((key) => !(key in signed) && shown[key] !== undefined);
	if (extra.length > 0) {
		// Beside an error item, n8n's error output adds the input item's fields: shown, named, never signed.
		if (signed.error !== undefined) verdict.unsignedFields = extra;
		else problems.push(`field(s) ${extra.map((key) => `"${key}"`).join(', ')} are not in the signed record`);
	}
	return problems;
}

function summarize(seqs: number[]): string {
	return seqs.length > 20 ? `${seqs.slice(0, 20).join(', ')}, … (${seqs.length})` : seqs.join(', ');
}
