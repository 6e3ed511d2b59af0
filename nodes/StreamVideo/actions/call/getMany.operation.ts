import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { filtersCollection, optionsCollection, simplifyField, transportOptions } from '../../../shared/descriptions';
import { itemParameter } from '../../../shared/parameters';
import { parseIdList, requireId } from '../../../shared/validation';
import { userIdRule } from '../../descriptions';
import { minimalCall } from '../../minimal';
import type { StreamSession } from '../../session';
import { FULL_CALL_ANSWER } from './get.operation';
import { streamPaths } from '../../transport';

/** QueryCalls returns at most 100 calls per page. */
const MAX_PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	simplifyField(FULL_CALL_ANSWER),
	filtersCollection([
		{
			displayName: 'Call Type',
			name: 'callType',
			type: 'string',
			default: '',
			description: 'Only calls of this type, such as "default"',
		},
		{
			displayName: 'Created After',
			name: 'createdAfter',
			type: 'dateTime',
			default: '',
		},
		{
			displayName: 'Created Before',
			name: 'createdBefore',
			type: 'dateTime',
			default: '',
		},
		{
			displayName: 'Created By User ID',
			name: 'createdByUserId',
			type: 'string',
			default: '',
			placeholder: 'e.g. john-doe',
			description: 'Only calls this Stream user created',
		},
		{
			displayName: 'Ended After',
			name: 'endedAfter',
			type: 'dateTime',
			default: '',
		},
		{
			displayName: 'Ended Before',
			name: 'endedBefore',
			type: 'dateTime',
			default: '',
			description: 'Only calls that ended before this time, e.g. {{ $now.minus({ days: 30 }) }} for calls older than 30 days',
		},
		{
			displayName: 'Include Live Calls',
			name: 'includeLive',
			type: 'boolean',
			default: false,
			description:
				'Whether to include calls with people in them right now (Stream\'s "ongoing"). Off by default, so a cleanup never touches a call in progress. A call everyone left without ending it is not live and is always found.',
		},
		{
			displayName: 'Member User IDs',
			name: 'memberIds',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'e.g. john-doe, jane-roe',
			description:
				'Only calls that have any of these Stream users as a member, separated by commas or new lines. Use it to find everything one person took part in, for an erasure request.',
		},
		{
			displayName: 'More Conditions (JSON)',
			name: 'filterConditions',
			type: 'json',
			default: '{}',
			description: 'Any other Stream filter_conditions, e.g. {"custom.region": {"$eq": "eu"}}. Combined with the filters above using $and.',
		},
	]),
	optionsCollection([
		{
			displayName: 'Sort',
			name: 'sort',
			type: 'options',
			default: 'created_at:1',
			options: [
				{ name: 'Oldest Created First', value: 'created_at:1' },
				{ name: 'Newest Created First', value: 'created_at:-1' },
				{ name: 'Oldest Ended First', value: 'ended_at:1' },
				{ name: 'Newest Ended First', value: 'ended_at:-1' },
			],
		},
		...transportOptions,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['getMany'] } }, properties);

interface FilterParsers {
	/** Parses More Conditions (JSON). */
	raw(raw: string): IDataObject;
	/** Checks one user ID; throws for an invalid one. */
	userId(value: string): string;
}

/**
 * Builds Stream's filter_conditions from the UI filters. Ongoing calls (people in them now) are excluded
 * unless asked for. Field names and operators as in Stream's QueryCalls spec (GetStream/protocol
 * video-serverside-api.yaml, x-stream-filter-fields: `members` takes $in only, `ongoing` $eq only).
 */
export function buildFilterConditions(filters: IDataObject, parse: FilterParsers): IDataObject {
	const conditions: IDataObject[] = [];
	const range = (field: string, after: unknown, before: unknown) => {
		const condition: IDataObject = {};
		if (after) condition.$gt = new Date(String(after)).toISOString();
		if (before) condition.$lt = new Date(String(before)).toISOString();
		if (Object.keys(condition).length > 0) conditions.push({ [field]: condition });
	};
	range('created_at', filters.createdAfter, filters.createdBefore);
	range('ended_at', filters.endedAfter, filters.endedBefore);
	if (filters.includeLive !== true) conditions.push({ ongoing: { $eq: false } });
	if (typeof filters.callType === 'string' && filters.callType.trim() !== '') {
		conditions.push({ type: { $eq: filters.callType.trim() } });
	}
	const members = parseIdList(filters.memberIds ?? '').map(parse.userId);
	if (members.length > 0) conditions.push({ members: { $in: members } });
	if (typeof filters.createdByUserId === 'string' && filters.createdByUserId.trim() !== '') {
		conditions.push({ created_by_user_id: { $eq: parse.userId(filters.createdByUserId) } });
	}
	const raw = filters.filterConditions;
	const extra = typeof raw === 'string' ? (raw.trim() === '' ? {} : parse.raw(raw)) : ((raw ?? {}) as IDataObject);
	if (Object.keys(extra).length > 0) conditions.push(extra);
	if (conditions.length === 0) return {};
	return conditions.length === 1 ? conditions[0] : { $and: conditions };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject[]> {
	// Read as the runner's checks read them: a value resolved for those checks is not resolved again.
	const returnAll = itemParameter<boolean>(this, 'returnAll', itemIndex);
	const limit = returnAll ? Number.POSITIVE_INFINITY : itemParameter<number>(this, 'limit', itemIndex);
	const filters = itemParameter<IDataObject>(this, 'filters', itemIndex, {});
	const options = itemParameter<IDataObject>(this, 'options', itemIndex, {});
	const simplify = itemParameter(this, 'simplify', itemIndex, true) === true;
	const [sortField, sortDirection] = String(options.sort ?? 'created_at:1').split(':');
	const filterConditions = buildFilterConditions(filters, {
		raw: (raw) => {
			const parsed = jsonParse<IDataObject>(raw, {
				errorMessage: 'More Conditions (JSON) is not valid JSON',
			});
			if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
				throw new NodeOperationError(this.getNode(), 'More Conditions (JSON) must be a JSON object', { itemIndex });
			}
			return parsed;
		},
		userId: (value) => requireId(this.getNode(), value, userIdRule, itemIndex),
	});

	const calls: IDataObject[] = [];
	// Every cursor sent so far: one Stream names again would page through the same calls for ever.
	const seenCursors = new Set<string>();
	let next: string | undefined;
	do {
		const body: IDataObject = {
			filter_conditions: filterConditions,
			sort: [{ field: sortField, direction: Number(sortDirection) }],
			limit: Math.min(MAX_PAGE_SIZE, limit - calls.length),
		};
		if (next) body.next = next;
		const response = await session.client.request(
			{ method: 'POST', path: streamPaths.queryCalls(), body, rateLimitKey: 'queryCalls' },
			itemIndex,
		);
		for (const entry of (response.body.calls ?? []) as IDataObject[]) {
			const call = (entry.call ?? {}) as IDataObject;
			calls.push(simplify ? minimalCall(call, entry.members) : { ...call, callType: call.type, callId: call.id, members: entry.members });
			if (calls.length >= limit) break;
		}
		if (next) seenCursors.add(next);
		next = typeof response.body.next === 'string' && response.body.next !== '' ? response.body.next : undefined;
		if (next && seenCursors.has(next) && calls.length < limit) {
			throw new NodeOperationError(this.getNode(), 'Stream repeated the paging cursor of an earlier page', {
				itemIndex,
				description: `After ${seenCursors.size + 1} pages and ${calls.length} calls, Stream answered with a "next" cursor it had already given, so paging would never end. Try again; if it persists, narrow the filters or report it to Stream.`,
			});
		}
	} while (next && calls.length < limit);
	return calls;
}
