import { sign, verify, type KeyObject } from 'node:crypto';

import { canonicalJson } from './canonicalJson';

/**
 * RFC 7515 compact JWS with an Ed25519 signature (RFC 8032; `alg` "Ed25519" as RFC 9864 names it). The protected
 * header is written in its canonical form, so the same header always gives the same bytes.
 */
export function signCompact(header: Record<string, string>, payload: Buffer, privateKey: KeyObject): string {
	return signWithHeader(encodeHeader(header), payload, privateKey);
}

/** The protected header as it stands in the JWS: base64url of its canonical JSON. */
export function encodeHeader(header: Record<string, string>): string {
	return base64url(canonicalJson(header));
}

/** Signs under a header encoded once for a whole run (every receipt of a run has the same header). */
export function signWithHeader(encodedHeader: string, payload: Buffer, privateKey: KeyObject): string {
	const signingInput = `${encodedHeader}.${payload.toString('base64url')}`;
	return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/** A compact JWS taken apart, not yet trusted. */
export interface ParsedJws {
	header: Record<string, unknown>;
	headerText: string;
	payload: Buffer;
	signingInput: string;
	signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Splits a compact JWS; undefined with the reason when it is not one. */
export function parseCompact(jws: unknown): ParsedJws | { problem: string } {
	if (typeof jws !== 'string') return { problem: 'the JWS is not text' };
	const parts = jws.split('.');
	if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return { problem: 'not a compact JWS (three base64url parts)' };
	const headerText = Buffer.from(parts[0], 'base64url').toString('utf8');
	let header: unknown;
	try {
		header = JSON.parse(headerText);
	} catch {
		return { problem: 'the protected header is not JSON' };
	}
	if (typeof header !== 'object' || header === null || Array.isArray(header))
		return { problem: 'the protected header is not a JSON object' };
	return {
		header: header as Record<string, unknown>,
		headerText,
		payload: Buffer.from(parts[1], 'base64url'),
		signingInput: `${parts[0]}.${parts[1]}`,
		signature: Buffer.from(parts[2], 'base64url'),
	};
}

/** An Ed25519 signature check over the JWS signing input. */
export function signatureHolds(parsed: ParsedJws, publicKey: KeyObject): boolean {
	return verify(null, Buffer.from(parsed.signingInput), publicKey, parsed.signature);
}

function base64url(text: string): string {
	return Buffer.from(text, 'utf8').toString('base64url');
}
