/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value signs as. ECMAScript's own
 * JSON.stringify already serialises strings and numbers exactly as RFC 8785 §3.2.2 requires (the RFC defines them
 * by it), so what is left is the order of object members (by UTF-16 code units, §3.2.3) and no whitespace. This is
 * the shape of the reference implementation by the RFC's authors (cyberphone/json-canonicalization).
 *
 * Members whose value JSON cannot hold (undefined, functions) are left out, as JSON.stringify and every store n8n
 * writes to leave them out, so a record signs as it will be read back.
 */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new TypeError(`JSON has no number ${String(value)}`);
		return JSON.stringify(value);
	}
	if (typeof value === 'object') {
		const json = value as { toJSON?: () => unknown };
		if (typeof json.toJSON === 'function') return canonicalJson(json.toJSON());
		if (Array.isArray(value)) return `[${value.map((entry) => (isOmitted(entry) ? 'null' : canonicalJson(entry))).join(',')}]`;
		const members = Object.keys(value)
			.filter((key) => !isOmitted((value as Record<string, unknown>)[key]))
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
		return `{${members.join(',')}}`;
	}
	throw new TypeError(`JSON has no ${typeof value}`);
}

function isOmitted(value: unknown): boolean {
	return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
