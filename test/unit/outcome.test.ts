/**
 * How an attempt's outcome is read, whatever n8n version sent it. The shapes below are those n8n's request
 * helper produces (read in n8n-core 1.122.48 / n8n-workflow 1.120 and n8n-core 2.41.1 / n8n-workflow 2.41.0);
 * test/e2e/http-helper.e2e.test.ts checks the same against the real helper of the installed n8n.
 */
import { classifyAnswer, classifyThrown } from '../../nodes/shared/outcome';

describe('reading what an attempt came to', () => {
	test('an answer: headers by lower-case name, a JSON text body parsed', () => {
		expect(classifyAnswer(404, { 'X-Request-Id': 'r1' }, '{"code":16}')).toEqual({
			status: 404,
			body: { code: 16 },
			headers: { 'x-request-id': 'r1' },
			mayHaveActed: false,
		});
	});

	test('500, 501 and 503 are answers that say nothing was done; only a gateway that lost the answer (502, 504) may hide an action', () => {
		expect([500, 501, 503].map((status) => classifyAnswer(status, {}, {}).mayHaveActed)).toEqual([false, false, false]);
		expect([502, 504].map((status) => classifyAnswer(status, {}, {}).mayHaveActed)).toEqual([true, true]);
	});

	test('a 3xx names only the origin it points to, resolved against the request; the Location itself is dropped', () => {
		const outcome = classifyAnswer(307, { Location: 'http://evil.test:8080/steal/sk_live_x?token=y' }, '', 'https://api.example/v1/calls/a');
		expect(outcome).toMatchObject({ status: 307, redirectOrigin: 'http://evil.test:8080', mayHaveActed: false });
		expect(JSON.stringify(outcome)).not.toContain('sk_live_x');
		expect(classifyAnswer(302, { location: '/elsewhere?k=1' }, '', 'https://api.example/v1/calls/a').redirectOrigin).toBe('https://api.example');
		expect(classifyAnswer(301, {}, '').redirectOrigin).toBe('an unnamed address');
	});

	test('a host that does not resolve, or a refused certificate, is a network fault before anything was sent', () => {
		for (const code of ['ENOTFOUND', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'EPROTO']) {
			expect(classifyThrown({ message: 'x', cause: { code } })).toEqual({ headers: {}, networkError: code, mayHaveActed: false });
			// n8n 1.x: the code is all that is left, as httpCode.
			expect(classifyThrown({ httpCode: code })).toEqual({ headers: {}, networkError: code, mayHaveActed: false });
		}
	});

	test("the token service's 5xx, 429 or silence is a transient fault of the token service, on either n8n version", () => {
		// n8n 2.x keeps the credential's error as cause; 1.x keeps only its message on the wrapper.
		expect(classifyThrown({ message: 'wrapped', cause: new Error("Microsoft's token service is unavailable (HTTP 503); try again later") })).toMatchObject({
			networkError: 'TOKEN_HTTP_503',
			failureMessage: "Microsoft's token service is unavailable (HTTP 503); try again later",
			mayHaveActed: false,
		});
		expect(classifyThrown({ message: "Microsoft's token service could not be reached (ENOTFOUND)" })).toMatchObject({ networkError: 'ENOTFOUND', mayHaveActed: false });
	});

	test('a 2xx whose body is not JSON is unreadable, and the provider may have acted', () => {
		expect(classifyAnswer(201, {}, '{"call": {"cid": "default:')).toMatchObject({ networkError: 'MALFORMED_RESPONSE', mayHaveActed: true });
	});

	test('n8n 2.x: the thrown error keeps the axios response under cause', () => {
		const thrown = { message: 'Request failed', cause: { response: { status: 429, headers: { 'Retry-After': '2' }, data: { error: 'x' } } } };
		expect(classifyThrown(thrown)).toMatchObject({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'x' } });
	});

	test('n8n 1.x: the cause is lost; the status is in httpCode and a JSON body in context.data', () => {
		expect(classifyThrown({ httpCode: '503', context: { data: { error: { code: 'INTERNAL_ERROR' } } } })).toMatchObject({
			status: 503,
			body: { error: { code: 'INTERNAL_ERROR' } },
		});
	});

	test('network faults on either version; a refused connection never reached the provider', () => {
		expect(classifyThrown({ httpCode: 'ECONNRESET' })).toMatchObject({ networkError: 'ECONNRESET', mayHaveActed: true });
		expect(classifyThrown({ cause: { code: 'ECONNREFUSED' } })).toMatchObject({ networkError: 'ECONNREFUSED', mayHaveActed: false });
		expect(classifyThrown(new Error('timeout of 30000ms exceeded'))).toMatchObject({ networkError: 'ETIMEDOUT' });
	});

	test('anything else (a credential that cannot authenticate) is not retried as a network fault', () => {
		const error = new Error('Could not get a Microsoft Graph token');
		expect(classifyThrown(error)).toEqual({ headers: {}, setupError: error, mayHaveActed: false });
	});
});
