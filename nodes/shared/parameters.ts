import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

/**
 * A parameter without an expression has the same value for every item, yet n8n resolves it anew for each
 * item it is asked for (a copy and a walk of the value, the largest per-item cost of a bulk delete).
 * These are resolved once per execution.
 */
const resolvedOnce = new WeakMap<IExecuteFunctions, Map<string, unknown>>();

/**
 * A parameter with an expression is resolved per item, but for a run of items at a time, in one tight loop:
 * n8n evaluates expressions in an isolate, and measured on n8n 2.41.1 one evaluation costs about 1.5 times as
 * much when it is interleaved with the requests of other items as when it follows another evaluation.
 * An evaluation that fails is kept and thrown when its own item asks for it.
 */
const resolvedAhead = new WeakMap<IExecuteFunctions, Map<string, Map<number, { value?: unknown; error?: unknown }>>>();
const RESOLVE_AHEAD = 50;

/** n8n hands out a deep copy of the node on every getNode(); one per execution is enough for error reports. */
const nodes = new WeakMap<IExecuteFunctions, INode>();

export function nodeOf(ctx: IExecuteFunctions): INode {
	let node = nodes.get(ctx);
	if (!node) {
		node = ctx.getNode();
		nodes.set(ctx, node);
	}
	return node;
}

/**
 * `={{ $json.field }}`, the expression nearly every bulk run maps its IDs with. When the input item holds
 * text or a number there, that value is what n8n's expression engine returns, so it is read directly;
 * anything else (a missing field, an object, any other expression) goes through the engine.
 */
const PLAIN_JSON_FIELD = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

function plainFieldValue(ctx: IExecuteFunctions, raw: unknown, itemIndex: number): string | number | undefined {
	if (typeof raw !== 'string') return undefined;
	const field = PLAIN_JSON_FIELD.exec(raw)?.[1];
	if (field === undefined) return undefined;
	const json = ctx.getInputData()[itemIndex]?.json as IDataObject | undefined;
	if (!json || !Object.prototype.hasOwnProperty.call(json, field)) return undefined;
	const value = json[field];
	return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
}

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/** getNodeParameter for one item: once per execution without an expression, in runs of items with one. */
export function itemParameter<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: T): T {
	let cache = resolvedOnce.get(ctx);
	if (!cache) {
		cache = new Map();
		resolvedOnce.set(ctx, cache);
	}
	if (cache.has(name)) return cache.get(name) as T;
	const raw = nodeOf(ctx).parameters[name];
	if (holdsExpression(raw)) {
		const plain = plainFieldValue(ctx, raw, itemIndex);
		return plain !== undefined ? (plain as T) : resolveAhead(ctx, name, itemIndex, fallback);
	}
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as T;
	cache.set(name, value);
	return value;
}

function resolveAhead<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: T): T {
	let byName = resolvedAhead.get(ctx);
	if (!byName) {
		byName = new Map();
		resolvedAhead.set(ctx, byName);
	}
	let byItem = byName.get(name);
	if (!byItem) {
		byItem = new Map();
		byName.set(name, byItem);
	}
	let resolved = byItem.get(itemIndex);
	if (!resolved) {
		const end = Math.min(itemIndex + RESOLVE_AHEAD, ctx.getInputData().length);
		for (let index = itemIndex; index < end; index++) {
			if (byItem.has(index)) break;
			try {
				byItem.set(index, { value: ctx.getNodeParameter(name, index, fallback) });
			} catch (error) {
				byItem.set(index, { error });
			}
		}
		resolved = byItem.get(itemIndex) as { value?: unknown; error?: unknown };
	}
	byItem.delete(itemIndex);
	if ('error' in resolved) throw resolved.error;
	return resolved.value as T;
}
