/**
 * The rule for every URL a secret is sent to (node requests, credential tests, the Graph token request): https,
 * or http to a loopback address only (local test servers); no user name or password; no query or fragment, which
 * would put every item's request on one URL (or, for a token in the path, into a fragment that is never sent).
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why `raw` may not carry a secret, or undefined when it may. `label` names the field, e.g. "Stream Video base URL". */
export function secureUrlProblem(raw: unknown, label: string): { message: string; description?: string } | undefined {
	const text = typeof raw === 'string' ? raw.trim() : '';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return {
			message: `${label} "${text}" is not a valid URL`,
			description: 'Set a full URL such as https://example.com in the credential.',
		};
	}
	const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
	if (!secure) {
		return {
			message: `${label} must use https`,
			description: `"${url.protocol}//${url.host}" would send credentials unencrypted. Use https; plain http is accepted only for loopback addresses (localhost, 127.0.0.1, ::1), as used by local test servers.`,
		};
	}
	if (url.username || url.password) return { message: `${label} must not contain a user name or password` };
	if (text.includes('?') || text.includes('#')) {
		return {
			message: `${label} must not contain a query (?) or fragment (#)`,
			description: 'Every request is made by adding a path to this URL; a query or fragment would send them all to the same place.',
		};
	}
	return undefined;
}

/** The URL without trailing slashes, once it passes secureUrlProblem. */
export function trimmedUrl(raw: string): string {
	return new URL(raw.trim()).toString().replace(/\/+$/, '');
}
