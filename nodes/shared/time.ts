/**
 * Stream sends times as RFC3339 strings or as integer nanoseconds since the epoch; both become ISO 8601.
 * Integers are read by magnitude (nanoseconds, microseconds, milliseconds or seconds). Returns
 * undefined for anything that is not a time.
 */
export function toIsoTime(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '' || typeof value === 'boolean') return undefined;
	const text = String(value);
	let millis: number;
	if (/^\d+$/.test(text)) {
		const n = BigInt(text);
		const asMillis = n >= 10n ** 17n ? n / 1_000_000n : n >= 10n ** 14n ? n / 1000n : n >= 10n ** 11n ? n : n * 1000n;
		millis = Number(asMillis);
	} else if (typeof value === 'string') {
		millis = Date.parse(value);
	} else {
		return undefined;
	}
	const date = new Date(millis);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
