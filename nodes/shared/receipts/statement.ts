import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { canonicalJson } from './canonicalJson';
import { encodeHeader, signCompact, signWithHeader } from './jws';
import { merkleTreeHash } from './merkleTree';
import type { ReceiptSigningKey } from './signingKey';

export const RECEIPT_TYP = 'erasure-receipt+jws';
export const BATCH_TYP = 'erasure-batch+jws';
export const RECEIPT_ALG = 'Ed25519';
export const TREE = 'RFC9162_SHA256';
export const STATEMENT_VERSION = 1;

/** One node run, as its receipts name it. */
export interface RunIdentity {
	/** The controller's name or URL, from the credential; left out when not set. */
	iss?: string;
	/** n8n's execution ID, or null where n8n has none. */
	execution: string | null;
	/** The node's name in the workflow. */
	node: string;
	/** A random UUID per node run; given only by tests that pin a receipt byte for byte. */
	batch?: string;
	/** When the run was signed; given only by tests. */
	issuedAt?: string;
}

export interface Receipt extends IDataObject {
	jws: string;
	head: string;
}

/**
 * Signs every record a node run produced, in `seq` order: one JWS per record over its statement, and one batch
 * head over the RFC 9162 tree of those statements, the same head on every receipt. A record dropped, added or
 * moved changes the tree's root, and each statement says how many there were.
 */
export function signRun(key: ReceiptSigningKey, run: RunIdentity, records: IDataObject[]): Receipt[] {
	const common = {
		v: STATEMENT_VERSION,
		...(run.iss ? { iss: run.iss } : {}),
		batch: run.batch ?? randomUUID(),
		execution: run.execution,
		node: run.node,
	};
	const issuedAt = run.issuedAt ?? new Date().toISOString();
	const size = records.length;
	const statements = records.map((record, seq) => Buffer.from(canonicalJson({ ...common, seq, size, issuedAt, record }), 'utf8'));
	const root = merkleTreeHash(statements).toString('base64url');
	const headPayload = Buffer.from(canonicalJson({ ...common, size, issuedAt, tree: TREE, root }), 'utf8');
	const head = signCompact({ alg: RECEIPT_ALG, kid: key.kid, typ: BATCH_TYP }, headPayload, key.privateKey);
	const itemHeader = encodeHeader({ alg: RECEIPT_ALG, kid: key.kid, typ: RECEIPT_TYP });
	return statements.map((statement) => ({ jws: signWithHeader(itemHeader, statement, key.privateKey), head }));
}
