import { buildFilterConditions } from '../../nodes/StreamVideo/actions/call/getMany.operation';

const parse = (raw: string) => JSON.parse(raw);

describe('Stream Get Many filters', () => {
	test('with no filters, live calls are still excluded', () => {
		expect(buildFilterConditions({}, parse)).toEqual({ ended_at: { $exists: true } });
	});

	test('"ended more than 30 days ago" of one type becomes RFC3339 bounds joined with $and', () => {
		expect(buildFilterConditions({ endedBefore: '2026-10-23T00:00:00Z', callType: ' default ' }, parse)).toEqual({
			$and: [
				{ ended_at: { $lt: '2026-10-23T00:00:00.000Z' } },
				{ ended_at: { $exists: true } },
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
