import { toIsoTime } from '../../nodes/shared/time';

describe('Stream timestamps', () => {
	test('nanosecond integers (as numbers and strings) become ISO 8601', () => {
		expect(toIsoTime('1735689600123456789')).toBe('2025-01-01T00:00:00.123Z');
		expect(toIsoTime(1735689600123456789)).toBe('2025-01-01T00:00:00.123Z');
	});

	test('RFC3339 strings, with offsets and fractions, become ISO 8601 in UTC', () => {
		expect(toIsoTime('2025-01-01T01:00:00.5+01:00')).toBe('2025-01-01T00:00:00.500Z');
		expect(toIsoTime('2025-01-01T00:00:00Z')).toBe('2025-01-01T00:00:00.000Z');
	});

	test('milliseconds and seconds are recognised by magnitude', () => {
		expect(toIsoTime(1735689600123)).toBe('2025-01-01T00:00:00.123Z');
		expect(toIsoTime(1735689600)).toBe('2025-01-01T00:00:00.000Z');
	});

	test('anything else is not a time', () => {
		for (const value of [undefined, null, '', 'yesterday', true, {}]) expect(toIsoTime(value)).toBeUndefined();
	});
});
