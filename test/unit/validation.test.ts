import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callIdRule } from '../../nodes/StreamVideo/descriptions';
import { parseIdList, requireBaseUrl, requireId } from '../../nodes/shared/validation';
import { TENANT_ID_PATTERN } from '../../credentials/microsoftCloud';

const node = { name: 'Stream Video', type: 'n8n-nodes-call-deletion.streamVideo' } as INode;

function errorOf(fn: () => unknown): NodeOperationError {
	try {
		fn();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected an error');
}

describe('call id validation (before any request)', () => {
	test('accepts Stream-style ids and trims surrounding blanks', () => {
		expect(requireId(node, '  my-call_123 ', callIdRule, 0)).toBe('my-call_123');
	});

	test.each([
		['empty', '', /is empty/],
		['blank', '   ', /is empty/],
		['too long', 'a'.repeat(65), /too long \(65 characters, at most 64\)/],
		['path traversal', '../admin', /not allowed/],
		['slash', 'a/b', /not allowed/],
		['query', 'a?x=1', /not allowed/],
		['encoded slash', 'a%2Fb', /not allowed/],
		['a number from an expression', 42, /must be text, but the expression gave a number/],
		['an object from an expression', { id: 'x' }, /gave a object/],
		['null', null, /gave null/],
		['an array', ['a'], /gave an array/],
	])('rejects %s with a clear per-item error', (_label, value, message) => {
		const error = errorOf(() => requireId(node, value, callIdRule, 3));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(3);
	});
});

describe('base URL validation', () => {
	test('requires https and explains the loopback exception', () => {
		const error = errorOf(() => requireBaseUrl(node, 'http://api.example.com', 'Stream Video base URL', 0));
		expect(error.message).toBe('Stream Video base URL must use https');
		expect(error.description).toMatch(/loopback/);
	});

	test.each(['http://127.0.0.1:4010/stream', 'http://localhost:1', 'http://[::1]:8080', 'https://video.stream-io-api.com/'])(
		'accepts %s',
		(url) => {
			expect(requireBaseUrl(node, url, 'Base URL', 0)).toBe(url.replace(/\/$/, ''));
		},
	);

	test('rejects URLs with embedded credentials and garbage', () => {
		expect(errorOf(() => requireBaseUrl(node, 'https://u:p@x.com', 'Base URL', 0)).message).toMatch(/user name/);
		expect(errorOf(() => requireBaseUrl(node, 'not a url', 'Base URL', 0)).message).toMatch(/not a valid URL/);
	});
});

describe('tenant id format', () => {
	test.each(['0d2d5c4e-1234-4cde-9abc-1234567890ab', 'contoso.onmicrosoft.com', 'example.co.uk'])('accepts %s', (id) => {
		expect(TENANT_ID_PATTERN.test(id)).toBe(true);
	});
	test.each(['', 'not a tenant', '0d2d5c4e-1234', 'contoso', '../evil', 'a.b/c'])('rejects %s', (id) => {
		expect(TENANT_ID_PATTERN.test(id)).toBe(false);
	});
});

describe('task id lists', () => {
	test('splits on commas, spaces and newlines, dropping blanks and duplicates in order', () => {
		expect(parseIdList('t1, t2\nt3,,t1\r\n  t4 ')).toEqual(['t1', 't2', 't3', 't4']);
		expect(parseIdList(['a', 'b', 'a'])).toEqual(['a', 'b']);
		expect(parseIdList(undefined)).toEqual([]);
	});
});
