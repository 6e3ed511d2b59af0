import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { requireId, type IdRule } from './validation';

/** A parameter's value for one item, or what resolving it threw. */
type Resolved = { value?: unknown; error?: unknown };

/** What one node execution resolves once and shares across its items. */
interface ExecutionParameters {
	/** n8n hands out a deep copy of the node on every getNode(); one per execution is enough. */
	node: INode;
	/**
	 * Parameters without an expression: the same value for every item, yet n8n resolves them anew for each item
	 * it is asked for (a copy and a walk of the value). Resolved once.
	 */
	constant: Map<string, unknown>;
	/**
	 * Parameters with an expression, resolved per item but for a run of items at a time, in one tight loop: n8n
	 * evaluates expressions in an isolate, and measured on n8n 2.41.1 one evaluation costs about 1.5 times as much
	 * when it is interleaved with the requests of other items. A failed evaluation is thrown for its own item.
	 */
	ahead: Map<string, Map<number, Resolved>>;
}

const perExecution = new WeakMap<IExecuteFunctions, ExecutionParameters>();
const RESOLVE_AHEAD = 50;

function parametersOf(ctx: IExecuteFunctions): ExecutionParameters {
	let state = perExecution.get(ctx);
	if (!state) {
		state = { node: ctx.getNode(), constant: new Map(), ahead: new Map() };
		perExecution.set(ctx, state);
	}
	return state;
}

export function nodeOf(ctx: IExecuteFunctions): INode {
	return parametersOf(ctx).node;
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
	const state = parametersOf(ctx);
	if (state.constant.has(name)) return state.constant.get(name) as T;
	const raw = state.node.parameters[name];
	if (holdsExpression(raw)) {
		const plain = plainFieldValue(ctx, raw, itemIndex);
		return plain !== undefined ? (plain as T) : resolveAhead(ctx, state, name, itemIndex, fallback);
	}
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as T;
	state.constant.set(name, value);
	return value;
}

function resolveAhead<T>(ctx: IExecuteFunctions, state: ExecutionParameters, name: string, itemIndex: number, fallback?: T): T {
	let byItem = state.ahead.get(name);
	if (!byItem) {
		byItem = new Map();
		state.ahead.set(name, byItem);
	}
	if (!byItem.has(itemIndex)) {
		const end = Math.min(itemIndex + RESOLVE_AHEAD, ctx.getInputData().length);
		for (let index = itemIndex; index < end && !byItem.has(index); index++) {
			try {
				byItem.set(index, { value: ctx.getNodeParameter(name, index, fallback) });
			} catch (error) {
				byItem.set(index, { error });
			}
		}
	}
	const resolved = byItem.get(itemIndex) as Resolved;
	byItem.delete(itemIndex);
	if ('error' in resolved) throw resolved.error;
	return resolved.value as T;
}

/** The ID parameter a rule is for (the parameter named by its `field`), for one item, checked against the rule. */
export function idParameter(ctx: IExecuteFunctions, rule: IdRule, itemIndex: number): string {
	return requireId(nodeOf(ctx), itemParameter(ctx, rule.field, itemIndex), rule, itemIndex);
}
