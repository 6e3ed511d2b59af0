import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A parameter without an expression has the same value for every item, yet n8n resolves it anew for each
 * item it is asked for (a copy and a walk of the value, the largest per-item cost of a bulk delete).
 * These are resolved once per execution.
 */
const resolvedOnce = new WeakMap<IExecuteFunctions, Map<string, unknown>>();

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** getNodeParameter for one item, resolved only once per execution when the parameter holds no expression. */
export function itemParameter<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: T): T {
	let cache = resolvedOnce.get(ctx);
	if (!cache) {
		cache = new Map();
		resolvedOnce.set(ctx, cache);
	}
	if (cache.has(name)) return cache.get(name) as T;
	if (holdsExpression(ctx.getNode().parameters[name])) return ctx.getNodeParameter(name, itemIndex, fallback) as T;
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as T;
	cache.set(name, value);
	return value;
}
