/**
 * The small ones of n8n's UX guidelines for verified community nodes ("UX guidelines for community
 * nodes" and "Node UI design" in n8n's docs), on every node and credential package.json lists, as
 * built into dist/ (npm test builds first): boolean descriptions start with "Whether", a trigger's
 * event parameter reads "Trigger On" without a tooltip, and operation actions are sentence case.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType } from 'n8n-workflow';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function load<T>(entry: string): T {
	const file = path.join(root, entry);
	if (!fs.existsSync(file)) throw new Error(`${entry} is missing: run npm run build first`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = Object.values(require(file) as Record<string, new () => T>);
	return new exported[0]();
}

const nodes = (pkg.n8n.nodes as string[]).map((entry) => load<INodeType>(entry).description);
const credentials = (pkg.n8n.credentials as string[]).map((entry) => load<ICredentialType>(entry));

/** Every parameter, with the ones nested in collections and fixed collections, named by its path. */
function allProperties(properties: INodeProperties[], prefix: string): Array<[string, INodeProperties]> {
	return properties.flatMap((property) => {
		const at = `${prefix}.${property.name}`;
		const nested = (property.options ?? []).flatMap((option) => {
			if ('values' in option) return allProperties((option as INodePropertyCollection).values, `${at}.${option.name}`);
			if ('type' in option && 'displayName' in option) return allProperties([option as INodeProperties], at);
			return [];
		});
		return [[at, property] as [string, INodeProperties], ...nested];
	});
}

const everyProperty = [
	...nodes.flatMap((node) => allProperties(node.properties, node.name)),
	...credentials.flatMap((credential) => allProperties(credential.properties, credential.name)),
];

test('every node and credential in package.json is checked', () => {
	expect(nodes.map((node) => node.name).sort()).toEqual(['erasureReceipts', 'huskyVoice', 'microsoftGraphCalls', 'streamVideo', 'streamVideoTrigger']);
	expect(credentials).toHaveLength(5);
	expect(everyProperty.filter(([, property]) => property.type === 'boolean').length).toBeGreaterThan(5);
});

test('every boolean parameter\'s description starts with "Whether"', () => {
	const booleans = everyProperty.filter(([, property]) => property.type === 'boolean');
	const without = booleans.filter(([, property]) => !property.description?.startsWith('Whether ')).map(([at]) => at);
	expect(without).toEqual([]);
});

test('the trigger\'s event parameter is displayed as "Trigger On", has no tooltip, and keeps its name', () => {
	const trigger = nodes.find((node) => node.name === 'streamVideoTrigger');
	const event = trigger?.properties.find((property) => property.name === 'event');
	expect(event?.displayName).toBe('Trigger On');
	expect(event?.description).toBeUndefined();
	expect(event?.options?.map((option) => (option as INodePropertyOptions).value)).toEqual(['hardDeleteFinished']);
});

test('every operation action is sentence case', () => {
	const actions = everyProperty
		.filter(([, property]) => property.name === 'operation')
		.flatMap(([at, property]) => (property.options as INodePropertyOptions[]).map((option) => [at, option.action] as const));
	expect(actions.length).toBeGreaterThanOrEqual(12);
	for (const [at, action] of actions) {
		// A lowercase qualifier in parentheses is allowed: "Delete a call (irreversible)" is what an AI agent reads.
		expect({ at, action }).toEqual({ at, action: expect.stringMatching(/^[A-Z][a-z]+( [a-z]+)*( \([a-z]+\))?$/) });
	}
});

test('every Operation selector lists its options alphabetically, takes no expression, and defaults to one of them', () => {
	const selectors = everyProperty.filter(([, property]) => property.name === 'operation');
	expect(selectors.length).toBeGreaterThanOrEqual(7);
	for (const [at, property] of selectors) {
		const names = (property.options as INodePropertyOptions[]).map((option) => option.name);
		const values = (property.options as INodePropertyOptions[]).map((option) => option.value);
		expect({ at, names, noDataExpression: property.noDataExpression, defaultIsAnOption: values.includes(property.default as string) }).toEqual({
			at,
			names: [...names].sort((a, b) => a.localeCompare(b)),
			noDataExpression: true,
			defaultIsAnOption: true,
		});
	}
});
