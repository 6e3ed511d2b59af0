import { StreamClient } from '@stream-io/node-sdk';

import { signHs256, streamServerToken } from '../../credentials/jwt';

/**
 * Checked against an independent HS256 implementation: Stream's own server SDK (@stream-io/node-sdk, a pinned
 * devDependency), which signs with jsonwebtoken. Secrets include non-ASCII and long ones, where a hand-rolled
 * base64url or a Buffer/string mix-up would show.
 */
const SECRETS = ['test-secret', 'a', 'ünïcödé secret ✓', 'x'.repeat(200), 'with/slash+plus=equals'];

/** The server token the SDK sends with every request (its API client's configured token). */
function sdkServerToken(secret: string): string {
	const client = new StreamClient('any-key', secret) as unknown as { apiClient: { apiConfig: { token: string } } };
	return client.apiClient.apiConfig.token;
}

describe('HS256 JWT', () => {
	test("matches Stream's published server-token vector (secret test-secret, payload {server:true})", () => {
		expect(streamServerToken('test-secret')).toBe(
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.O3_wD3p25fBsOrJNqxpY4PRoTcYGCflzvBWDgoUgJ84',
		);
	});

	test('matches the jwt.io HS256 example token for its header and payload', () => {
		// jwt.io's canonical example: {"alg":"HS256","typ":"JWT"} / {"sub":"1234567890","name":"John Doe","iat":1516239022}
		// signed with "your-256-bit-secret".
		expect(signHs256({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret')).toBe(
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
		);
	});

	test.each(SECRETS)("the server token is the one Stream's SDK sends, for secret %j", (secret) => {
		expect(streamServerToken(secret)).toBe(sdkServerToken(secret));
	});

	test.each(SECRETS)("any payload signs as Stream's SDK signs it (a user token), for secret %j", (secret) => {
		const payload = { user_id: 'john-doe', iat: 1_700_000_000, exp: 1_800_000_000 };
		const sdk = new StreamClient('any-key', secret).generateUserToken({ ...payload });
		expect(signHs256(payload, secret)).toBe(sdk);
	});

	test('uses base64url without padding, so tokens are URL- and header-safe for any secret', () => {
		for (const secret of SECRETS) expect(streamServerToken(secret)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
	});
});
