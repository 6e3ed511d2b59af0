import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import { canonicalJson } from './canonicalJson';

/** An Ed25519 key pair as receipts use it: the private key signs, `kid` names the public key. */
export interface ReceiptSigningKey {
	privateKey: KeyObject;
	publicKey: KeyObject;
	/** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
	kid: string;
	/** The public key as an RFC 8037 JWK: what a verifier is given, with `kid`. */
	publicJwk: { crv: 'Ed25519'; kty: 'OKP'; x: string };
}

export const GENERATE_KEY_ADVICE = 'Create one with: openssl genpkey -algorithm ed25519 -out receipt-key.pem';

/** Why a given key cannot sign receipts: what was given, and what to run instead. */
export class ReceiptKeyProblem extends Error {}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Reads the credential's key: an unencrypted Ed25519 private key, PKCS#8 PEM, as `openssl genpkey` writes it.
 * A password field may have lost the PEM's line breaks; the base64 between the markers is read either way.
 */
export function loadSigningKey(text: unknown): ReceiptSigningKey {
	const raw = typeof text === 'string' ? text.trim() : '';
	if (raw === '') throw new ReceiptKeyProblem(`No private key was given. ${GENERATE_KEY_ADVICE}, and paste the whole file.`);
	const pem = PEM.exec(raw);
	if (!pem) throw new ReceiptKeyProblem(`The text is not a PEM key (no "-----BEGIN …-----" line). ${GENERATE_KEY_ADVICE}`);
	const label = pem[1];
	if (label === 'ENCRYPTED PRIVATE KEY') {
		throw new ReceiptKeyProblem(
			'This private key is encrypted with a passphrase, which n8n cannot enter. Store it unencrypted in the credential (n8n encrypts credentials itself): openssl pkey -in receipt-key.pem -out receipt-key-plain.pem',
		);
	}
	if (label === 'PUBLIC KEY') {
		throw new ReceiptKeyProblem(`This is a public key; signing needs the private key it belongs to. ${GENERATE_KEY_ADVICE}`);
	}
	if (label !== 'PRIVATE KEY') {
		throw new ReceiptKeyProblem(`This is a "${label}", not a PKCS#8 Ed25519 private key ("PRIVATE KEY"). ${GENERATE_KEY_ADVICE}`);
	}
	const privateKey = readPkcs8(pem[2]);
	if (!privateKey) {
		throw new ReceiptKeyProblem(`The private key could not be read (the PEM is damaged or cut short). ${GENERATE_KEY_ADVICE}`);
	}
	if (privateKey.asymmetricKeyType !== 'ed25519') {
		throw new ReceiptKeyProblem(
			`This is an ${String(privateKey.asymmetricKeyType).toUpperCase()} private key; receipts are signed with Ed25519. ${GENERATE_KEY_ADVICE}`,
		);
	}
	return fromPrivateKey(privateKey);
}

function readPkcs8(base64: string): KeyObject | undefined {
	try {
		return createPrivateKey({ key: Buffer.from(base64.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
	} catch {
		return undefined;
	}
}

export function fromPrivateKey(privateKey: KeyObject): ReceiptSigningKey {
	const publicKey = createPublicKey(privateKey);
	const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
	const publicJwk = { crv: 'Ed25519' as const, kty: 'OKP' as const, x: jwk.x };
	return { privateKey, publicKey, kid: thumbprint(publicJwk), publicJwk };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order without whitespace, which is their JCS form. */
export function thumbprint(jwk: { crv: string; kty: string; x: string }): string {
	const required = { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
	return createHash('sha256').update(canonicalJson(required)).digest('base64url');
}
