import { buildFilterConditions } from '../../nodes/StreamVideo/actions/call/getMany.operation';

const parse = {
	raw: (raw: string) => JSON.parse(raw),
	userId: (value: string) => {
		if (!/^[@\w-]+$/.test(value.trim())) throw new Error(`bad user id ${value}`);
		return value.trim();
	},
};

describe('Stream Get Many filters', () => {
	test('with no filters, only calls with people in them now are excluded (a call left without ending is found)', () => {
		expect(buildFilterConditions({}, parse)).toEqual({ ongoing: { $eq: false } });
	});

	test("one person's calls: members $in and creator, from a comma- or newline-separated list", () => {
		expect(buildFilterConditions({ memberIds: 'john-doe,\n jane@x ,john-doe', createdByUserId: ' john-doe ' }, parse)).toEqual({
			$and: [
				{ ongoing: { $eq: false } },
				{ members: { $in: ['john-doe', 'jane@x'] } },
				{ created_by_user_id: { $eq: 'john-doe' } },
			],
		});
		expect(() => buildFilterConditions({ memberIds: 'ok, ../x' }, parse)).toThrow(/bad user id/);
	});

	test('"ended more than 30 days ago" of one type becomes RFC3339 bounds joined with $and', () => {
		expect(buildFilterConditions({ endedBefore: '2026-10-23T00:00:00Z', callType: ' default ' }, parse)).toEqual({
			$and: [
				{ ended_at: { $lt: '2026-10-23T00:00:00.000Z' } },
				{ ongoing: { $eq: false } },
				{ type: { $eq: 'default' } },
			],
		});
	});

	test('live calls only when asked, and raw conditions are combined, not replacing the rest', () => {
		expect(
			buildFilterConditions(
				{ includeLive: true, createdAfter: '2026-01-01', filterConditions: '{"custom.region": {"$eq": "eu"}}' },
				parse,
			),
		).toEqual({ $and: [{ created_at: { $gt: '2026-01-01T00:00:00.000Z' } }, { 'custom.region': { $eq: 'eu' } }] });
	});
});
