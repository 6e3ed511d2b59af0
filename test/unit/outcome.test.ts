/**
 * How an attempt's outcome is read, whatever n8n version sent it. The shapes below are those n8n's request
 * helper produces (read in n8n-core 1.122.48 / n8n-workflow 1.120 and n8n-core 2.41.1 / n8n-workflow 2.41.0);
 * test/e2e/http-helper.e2e.test.ts checks the same against the real helper of the installed n8n.
 */
import { classifyAnswer, classifyThrown } from '../../nodes/shared/outcome';

describe('reading what an attempt came to', () => {
	test('an answer: headers by lower-case name, a JSON text body parsed, a 5xx may have acted', () => {
		expect(classifyAnswer(404, { 'X-Request-Id': 'r1' }, '{"code":16}')).toEqual({
			status: 404,
			body: { code: 16 },
			headers: { 'x-request-id': 'r1' },
			mayHaveActed: false,
		});
		expect(classifyAnswer(503, {}, {}).mayHaveActed).toBe(true);
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
