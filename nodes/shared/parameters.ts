import type { IDataObject, IExecuteFunctions, INode, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
	return readItemParameter(ctx, name, itemIndex, fallback, true);
}

/** The same value itemParameter will give for this item, leaving it resolved for that read. */
function peekItemParameter<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: T): T {
	return readItemParameter(ctx, name, itemIndex, fallback, false);
}

function readItemParameter<T>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: T | undefined, consume: boolean): T {
	const state = parametersOf(ctx);
	if (state.constant.has(name)) return state.constant.get(name) as T;
	const raw = state.node.parameters[name];
	if (holdsExpression(raw)) {
		const plain = plainFieldValue(ctx, raw, itemIndex);
		return plain !== undefined ? (plain as T) : resolveAhead(ctx, state, name, itemIndex, fallback, consume);
	}
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as T;
	state.constant.set(name, value);
	return value;
}

function resolveAhead<T>(
	ctx: IExecuteFunctions,
	state: ExecutionParameters,
	name: string,
	itemIndex: number,
	fallback: T | undefined,
	consume: boolean,
): T {
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
	if (consume) byItem.delete(itemIndex);
	if ('error' in resolved) throw resolved.error;
	return resolved.value as T;
}

/** The ID parameter a rule is for (the parameter named by its `field`), for one item, checked against the rule. */
export function idParameter(ctx: IExecuteFunctions, rule: IdRule, itemIndex: number): string {
	return requireId(nodeOf(ctx), itemParameter(ctx, rule.field, itemIndex), rule, itemIndex);
}

/**
 * n8n hands an expression's result to the node as it is: `{{ $json.dryRun }}` fed by a form or a webhook gives the
 * text "true", not the boolean, and a check such as `dryRun === true` then reads it as off and deletes. So every
 * parameter set by an expression must already be of its declared type (a boolean true or false, a number within
 * its bounds, one of its listed values), or the item fails before any request is sent. Values set in the editor
 * are typed by n8n and are not checked again.
 */
export function checkExpressionTypes(ctx: IExecuteFunctions, properties: INodeProperties[], itemIndex: number): void {
	const state = parametersOf(ctx);
	for (const property of properties) {
		const raw = state.node.parameters[property.name];
		if (!holdsExpression(raw)) continue;
		if (property.type === 'collection') {
			const members = (property.options ?? []) as INodeProperties[];
			const keys = typeof raw === 'string' ? members.map((member) => member.name) : Object.keys(raw as IDataObject);
			const resolved = peekItemParameter<IDataObject>(ctx, property.name, itemIndex, {}) ?? {};
			for (const key of keys) {
				const member = members.find((candidate) => candidate.name === key);
				if (!member || (typeof raw !== 'string' && !holdsExpression((raw as IDataObject)[key]))) continue;
				if (typeof raw === 'string' && !(key in resolved)) continue;
				checkType(state.node, member, resolved[key], itemIndex);
			}
		} else if (CHECKED_TYPES.has(property.type)) {
			checkType(state.node, property, peekItemParameter(ctx, property.name, itemIndex), itemIndex);
		}
	}
}

const CHECKED_TYPES = new Set(['boolean', 'number', 'options']);

function checkType(node: INode, property: INodeProperties, value: unknown, itemIndex: number): void {
	const label = property.displayName;
	const refuse = (expected: string, advice: string) => {
		throw new NodeOperationError(node, `${label} must be ${expected}, but the expression gave ${describeValue(value)}`, {
			itemIndex,
			description: `n8n passes an expression's result on unconverted, and this node does not guess what was meant. ${advice}`,
		});
	};
	if (property.type === 'boolean' && typeof value !== 'boolean') {
		refuse(
			'true or false',
			`Make the expression give a boolean: for text from a form or a webhook, compare it, for example {{ $json.${property.name} === "true" }}.`,
		);
	}
	if (property.type === 'number') {
		const { minValue, maxValue } = property.typeOptions ?? {};
		const inRange =
			typeof value === 'number' &&
			Number.isFinite(value) &&
			(minValue === undefined || value >= minValue) &&
			(maxValue === undefined || value <= maxValue);
		if (!inRange) {
			const bounds = [minValue !== undefined ? `at least ${minValue}` : '', maxValue !== undefined ? `at most ${maxValue}` : '']
				.filter(Boolean)
				.join(' and ');
			refuse(`a number${bounds ? ` (${bounds})` : ''}`, 'Make the expression give a number, for example {{ Number($json.value) }}.');
		}
	}
	if (property.type === 'options') {
		const allowed = ((property.options ?? []) as INodePropertyOptions[]).map((option) => option.value);
		if (!allowed.includes(value as string)) {
			refuse(
				`one of ${allowed.map((option) => JSON.stringify(option)).join(', ')}`,
				'Make the expression give one of these values exactly.',
			);
		}
	}
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'nothing';
	if (typeof value === 'string')
		return value.trim() === '' ? 'empty text' : `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
	if (typeof value === 'number') return `the number ${value}`;
	if (typeof value === 'boolean') return `the boolean ${value}`;
	return Array.isArray(value) ? 'a list' : `an ${typeof value}`;
}

/** Drops what was resolved ahead for an item that is done, whether or not its operation read it. */
export function forgetItemParameters(ctx: IExecuteFunctions, itemIndex: number): void {
	for (const byItem of parametersOf(ctx).ahead.values()) byItem.delete(itemIndex);
}

/**
 * A filter narrows a search; one that comes out empty (an expression reading a field the request lacked, a value
 * left blank) would silently widen it to everything, and a delete downstream would erase calls nobody named. So a
 * text or date filter that is present must hold a value, and a text filter must be text.
 */
export function checkFilters(ctx: IExecuteFunctions, properties: INodeProperties[], itemIndex: number): void {
	const state = parametersOf(ctx);
	const collection = properties.find((property) => property.name === 'filters' && property.type === 'collection');
	const raw = state.node.parameters.filters;
	if (!collection || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
	const present = Object.keys(raw);
	if (present.length === 0) return;
	const resolved = peekItemParameter<IDataObject>(ctx, 'filters', itemIndex, {}) ?? {};
	for (const member of (collection.options ?? []) as INodeProperties[]) {
		if (!present.includes(member.name) || (member.type !== 'string' && member.type !== 'dateTime')) continue;
		const value = resolved[member.name];
		const empty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
		if (!empty && (member.type !== 'string' || typeof value === 'string')) continue;
		throw new NodeOperationError(
			state.node,
			empty
				? `The filter ${member.displayName} is empty`
				: `The filter ${member.displayName} must be text, but it is ${describeValue(value)}`,
			{
				itemIndex,
				description: `A filter that comes out empty would widen the search to everything it was meant to narrow. Check the expression that fills it, or remove the filter to search without it.`,
			},
		);
	}
}
