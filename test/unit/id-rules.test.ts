import type { INode } from 'n8n-workflow';

import * as huskyDescriptions from '../../nodes/HuskyVoice/descriptions';
import * as graphDescriptions from '../../nodes/MicrosoftGraphCalls/descriptions';
import * as streamDescriptions from '../../nodes/StreamVideo/descriptions';
import { pathSegment, requireId, type IdRule } from '../../nodes/shared/validation';

const node = { name: 'Node', type: 'n8n-nodes-call-deletion.any' } as INode;

/** Every ID rule the nodes export (the trigger uses Stream's task rule), found by shape so a new one is covered too. */
const rules = Object.entries({ ...streamDescriptions, ...graphDescriptions, ...huskyDescriptions })
	.filter(([, value]) => typeof value === 'object' && value !== null && 'pattern' in value && 'field' in value)
	.map(([name, rule]) => [name, rule as IdRule] as const);

test('the ID rules are all found', () => {
	expect(rules.map(([name]) => name).sort()).toEqual(
		[
			'callIdRule',
			'callTypeRule',
			'filenameRule',
			'graphCallIdRule',
			'huskyCallIdRule',
			'sessionIdRule',
			'taskIdRule',
			'userIdRule',
		].sort(),
	);
});

describe.each(rules)('%s', (_name, rule) => {
	// "." and ".." survive encodeURIComponent and are path steps: DELETE …/communications/calls/.. is …/communications/.
	test.each(['.', '..', ' .. ', '...'])('refuses %j, which would be a path step, not an ID', (value) => {
		expect(pathSegment(value.trim())).toBe(value.trim());
		expect(() => requireId(node, value, rule, 2)).toThrow(expect.objectContaining({ context: expect.objectContaining({ itemIndex: 2 }) }));
	});
});

test('IDs with dots inside still pass where the provider uses them', () => {
	expect(requireId(node, 'task.v2:01', streamDescriptions.taskIdRule, 0)).toBe('task.v2:01');
	expect(requireId(node, 'rec_demo-1_1.mp4', streamDescriptions.filenameRule, 0)).toBe('rec_demo-1_1.mp4');
	expect(requireId(node, 'a.b=', graphDescriptions.graphCallIdRule, 0)).toBe('a.b=');
});
