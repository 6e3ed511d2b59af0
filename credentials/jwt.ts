import { createHmac } from 'node:crypto';

function base64Url(input: string | Buffer): string {
	return Buffer.from(input).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

const HS256_HEADER = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * A compact HS256 JWT. Runtime dependencies are not allowed in verified community nodes, so this
 * is the few lines a JWT library would do; it is checked against published test vectors.
 */
export function signHs256(payload: Record<string, unknown>, secret: string): string {
	const signingInput = `${HS256_HEADER}.${base64Url(JSON.stringify(payload))}`;
	const signature = base64Url(createHmac('sha256', secret).update(signingInput).digest());
	return `${signingInput}.${signature}`;
}

/** Stream's server-side token: `{"server": true}` without timestamps, as Stream's own server SDK signs it. */
export function streamServerToken(apiSecret: string): string {
	return signHs256({ server: true }, apiSecret);
}
