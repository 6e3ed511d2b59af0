import { createHmac } from 'node:crypto';

import { signHs256, streamServerToken } from '../../credentials/jwt';

describe('HS256 JWT', () => {
	test("matches Stream's published server-token vector (secret test-secret, payload {server:true})", () => {
		expect(streamServerToken('test-secret')).toBe(
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.O3_wD3p25fBsOrJNqxpY4PRoTcYGCflzvBWDgoUgJ84',
		);
	});

	test('matches the RFC 7515 / jwt.io HS256 example signature for its header and payload', () => {
		// jwt.io's canonical example: {"alg":"HS256","typ":"JWT"} / {"sub":"1234567890","name":"John Doe","iat":1516239022}
		// signed with "your-256-bit-secret".
		expect(signHs256({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret')).toBe(
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
		);
	});

	test('uses base64url without padding, so tokens are URL- and header-safe for any secret', () => {
		for (const secret of ['a', 'ünïcödé secret', 'x'.repeat(200)]) {
			const token = streamServerToken(secret);
			expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
			const [header, payload, signature] = token.split('.');
			const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
			expect(signature).toBe(expected);
		}
	});
});
