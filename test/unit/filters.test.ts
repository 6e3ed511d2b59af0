import type { INode } from 'n8n-workflow';

import { buildFilterConditions } from '../../nodes/StreamVideo/actions/call/getMany.operation';
import { userIdRule } from '../../nodes/StreamVideo/descriptions';
import { requireId } from '../../nodes/shared/validation';

const node = { name: 'Stream Video', type: 'n8n-nodes-call-deletion.streamVideo' } as INode;

/** What Get Many passes: the node's own user-ID rule, through requireId. */
const parse = {
	raw: (raw: string) => JSON.parse(raw),
	userId: (value: string) => requireId(node, value, userIdRule, 0),
};

describe('Stream Get Many filters', () => {
	test('with no filters, only calls with people in them now are excluded (a call left without ending is found)', () => {
		expect(buildFilterConditions({}, parse)).toEqual({ ongoing: { $eq: false } });
	});

	test("one person's calls: members $in and creator, from a comma- or newline-separated list", () => {
		expect(buildFilterConditions({ memberIds: 'john-doe,\n jane@x ,john-doe', createdByUserId: ' john-doe ' }, parse)).toEqual({
			$and: [{ ongoing: { $eq: false } }, { members: { $in: ['john-doe', 'jane@x'] } }, { created_by_user_id: { $eq: 'john-doe' } }],
		});
		expect(() => buildFilterConditions({ memberIds: 'ok, ../x' }, parse)).toThrow(
			'User ID "../x" contains characters that are not allowed',
		);
		expect(() => buildFilterConditions({ createdByUserId: 'a/b' }, parse)).toThrow(/User ID "a\/b"/);
	});

	test.each([
		['john-doe', 'john-doe', true],
		['jane_roe@example', 'jane_roe@example', true],
		['0123', '0123', true],
		['..', '..', false],
		['a.b', 'a.b', false],
		['a b', 'a b', false],
		['a?b', 'a?b', false],
		['a%2Fb', 'a%2Fb', false],
		['256 characters', 'a'.repeat(256), false],
	])('the user-ID rule the node uses: %s', (_label, value, valid) => {
		const conditions = () => buildFilterConditions({ createdByUserId: value }, parse);
		if (valid) expect(conditions()).toEqual({ $and: [{ ongoing: { $eq: false } }, { created_by_user_id: { $eq: value } }] });
		else expect(conditions).toThrow(/User ID/);
	});

	test('"ended more than 30 days ago" of one type becomes RFC3339 bounds joined with $and', () => {
		expect(buildFilterConditions({ endedBefore: '2026-10-23T00:00:00Z', callType: ' default ' }, parse)).toEqual({
			$and: [{ ended_at: { $lt: '2026-10-23T00:00:00.000Z' } }, { ongoing: { $eq: false } }, { type: { $eq: 'default' } }],
		});
	});

	test('live calls only when asked, and raw conditions are combined, not replacing the rest', () => {
		expect(
			buildFilterConditions({ includeLive: true, createdAfter: '2026-01-01', filterConditions: '{"custom.region": {"$eq": "eu"}}' }, parse),
		).toEqual({ $and: [{ created_at: { $gt: '2026-01-01T00:00:00.000Z' } }, { 'custom.region': { $eq: 'eu' } }] });
	});
});
