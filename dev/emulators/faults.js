'use strict';
// Deterministic fault injection, applied before a request reaches its provider's emulator.

/**
 * @typedef {{ provider?: string, method?: string, path?: string, type: 'status'|'reset'|'timeout'|'latency'|'malformed'|'actThenReset',
 *   times?: number, every?: number, oncePerPath?: boolean, status?: number, body?: unknown, headers?: Record<string,string>, retryAfter?: number, latencyMs?: number,
 *   resetInSeconds?: number, onMatch?: () => void }} FaultRule
 *
 * `resetInSeconds` adds `X-RateLimit-Reset` = now + that many seconds (Unix seconds, as Stream sends it), computed
 * when the request arrives, so a 429 can name a window that ends sooner than the one the provider announced before.
 *
 * `onMatch` (in-process only: a function does not cross the control API) runs when the rule fires, as the request
 * arrives and before its provider sees it, so a test can act at that exact point (expire tokens, press Stop).
 */
function createFaults() {
	/** @type {Array<FaultRule & { seen: number, applied: number, pattern?: RegExp }>} */
	let rules = [];
	return {
		add(rule) {
			for (const one of Array.isArray(rule) ? rule : [rule]) {
				rules.push({ ...one, seen: 0, applied: 0, pattern: one.path ? new RegExp(one.path) : undefined, hitPaths: new Set() });
			}
		},
		clear() {
			rules = [];
		},
		list() {
			return rules.map(({ pattern: _pattern, hitPaths: _hitPaths, onMatch: _onMatch, ...rule }) => rule);
		},
		/** The first rule that fires for this request, counting it as applied. */
		match(provider, method, path) {
			for (const rule of rules) {
				if (rule.provider && rule.provider !== provider) continue;
				if (rule.method && rule.method.toUpperCase() !== method) continue;
				if (rule.pattern && !rule.pattern.test(path)) continue;
				if (rule.times !== undefined && rule.applied >= rule.times) continue;
				// A transient fault: only the first request to each path meets it, its retry goes through.
				if (rule.oncePerPath && rule.hitPaths.has(`${method} ${path}`)) continue;
				rule.seen++;
				if (rule.every !== undefined && rule.seen % rule.every !== 0) continue;
				rule.applied++;
				if (rule.oncePerPath) rule.hitPaths.add(`${method} ${path}`);
				if (typeof rule.onMatch === 'function') rule.onMatch();
				if (rule.resetInSeconds !== undefined) {
					const reset = String(Math.ceil(Date.now() / 1000 + rule.resetInSeconds));
					return { ...rule, headers: { ...(rule.headers ?? {}), 'X-RateLimit-Reset': reset } };
				}
				return rule;
			}
			return undefined;
		},
	};
}

module.exports = { createFaults };
