/**
 * The Stream server SDK's own models (@stream-io/node-sdk, src/gen/models/index.ts, generated from Stream's OpenAPI
 * spec) read with the TypeScript compiler, so an emulator answer can be checked against them: every field an
 * interface declares without `?` must be there, and every nested object is checked against its own interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The package's entry is dist/index.cjs.js; its TypeScript sources ship beside dist/.
const MODELS = path.join(path.dirname(require.resolve('@stream-io/node-sdk')), '..', 'src', 'gen', 'models', 'index.ts');

interface Field {
	name: string;
	required: boolean;
	type: ts.TypeNode;
}

let interfaces: Map<string, Field[]> | undefined;

/** The SDK's interfaces by name, each with its declared fields. */
export function sdkInterfaces(): Map<string, Field[]> {
	if (interfaces) return interfaces;
	const source = ts.createSourceFile(MODELS, fs.readFileSync(MODELS, 'utf8'), ts.ScriptTarget.Latest, true);
	interfaces = new Map();
	for (const statement of source.statements) {
		if (!ts.isInterfaceDeclaration(statement)) continue;
		const fields: Field[] = [];
		for (const member of statement.members) {
			if (!ts.isPropertySignature(member) || !member.type) continue;
			fields.push({ name: member.name.getText(source).replace(/^['"]|['"]$/g, ''), required: !member.questionToken, type: member.type });
		}
		interfaces.set(statement.name.text, fields);
	}
	return interfaces;
}

/** The required fields of one SDK interface. */
export const requiredFields = (name: string) => (sdkInterfaces().get(name) ?? []).filter((field) => field.required).map((field) => field.name);

/**
 * Every required field missing (undefined, or null where the model does not allow null) in `value` read as the SDK
 * interface `name`, recursively, as paths such as `call.created_by.banned (UserResponse)`; and every field present
 * whose value is not of the model's type (string, number, boolean, a valid Date, one of an enum's values).
 */
export function missingRequired(name: string, value: unknown, path = ''): string[] {
	const fields = sdkInterfaces().get(name);
	if (!fields) throw new Error(`the SDK has no model named ${name}`);
	if (value === null || typeof value !== 'object') return [`${path || '(root)'} (${name}: not an object)`];
	const record = value as Record<string, unknown>;
	const missing: string[] = [];
	for (const field of fields) {
		const at = path ? `${path}.${field.name}` : field.name;
		const fieldValue = record[field.name];
		if (fieldValue === undefined || (fieldValue === null && !allowsNull(field.type))) {
			if (field.required) missing.push(`${at} (${name})`);
			continue;
		}
		missing.push(...checkType(field.type, fieldValue, at));
	}
	return missing;
}

function allowsNull(type: ts.TypeNode): boolean {
	return ts.isUnionTypeNode(type) && type.types.some((part) => part.kind === ts.SyntaxKind.NullKeyword || (ts.isLiteralTypeNode(part) && part.literal.kind === ts.SyntaxKind.NullKeyword));
}

const KEYWORD_TYPES: Partial<Record<ts.SyntaxKind, string>> = {
	[ts.SyntaxKind.StringKeyword]: 'string',
	[ts.SyntaxKind.NumberKeyword]: 'number',
	[ts.SyntaxKind.BooleanKeyword]: 'boolean',
};

/** The value of a literal type such as `'speaker'` or `1`, or undefined for any other type. */
function literalValue(type: ts.TypeNode): unknown {
	if (!ts.isLiteralTypeNode(type)) return undefined;
	if (ts.isStringLiteral(type.literal)) return type.literal.text;
	if (ts.isNumericLiteral(type.literal)) return Number(type.literal.text);
	return undefined;
}

function checkType(type: ts.TypeNode, value: unknown, path: string): string[] {
	if (value === null || value === undefined) return [];
	if (ts.isParenthesizedTypeNode(type)) return checkType(type.type, value, path);
	// string, number, boolean: what the SDK's types promise after decoding.
	const keyword = KEYWORD_TYPES[type.kind];
	if (keyword) return typeof value === keyword ? [] : [`${path} (not a ${keyword}: ${JSON.stringify(value)})`];
	if (ts.isUnionTypeNode(type)) {
		// A union of literals (an enum such as 'available' | 'disabled' | 'auto-on'): the value must be one of them.
		const literals = type.types.map(literalValue);
		if (literals.every((literal) => literal !== undefined)) {
			return literals.includes(value) ? [] : [`${path} (not one of ${JSON.stringify(literals)}: ${JSON.stringify(value)})`];
		}
		const references = type.types.filter((part) => ts.isTypeReferenceNode(part) || ts.isArrayTypeNode(part));
		return references.length === 1 ? checkType(references[0], value, path) : [];
	}
	if (ts.isArrayTypeNode(type)) {
		if (!Array.isArray(value)) return [`${path} (not an array)`];
		return value.flatMap((element, index) => checkType(type.elementType, element, `${path}[${index}]`));
	}
	if (ts.isTypeReferenceNode(type)) {
		const name = type.typeName.getText();
		const args = type.typeArguments ?? [];
		if (name === 'Array' && args[0]) return Array.isArray(value) ? value.flatMap((element, index) => checkType(args[0], element, `${path}[${index}]`)) : [];
		if (name === 'Record' && args[1]) {
			return Object.entries(value as Record<string, unknown>).flatMap(([key, element]) => checkType(args[1], element, `${path}.${key}`));
		}
		// Dates arrive as RFC 3339 strings or nanoseconds; the SDK's decoders turn both into a Date that must be valid.
		if (name === 'Date') return value instanceof Date && !Number.isNaN(value.getTime()) ? [] : [`${path} (not a valid Date: ${String(value)})`];
		if (sdkInterfaces().has(name)) return missingRequired(name, value, path);
	}
	return [];
}
