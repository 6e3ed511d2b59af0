/**
 * What Simplify keeps of each provider's objects, and what an error item may quote of an answer, on objects
 * shaped as the providers document them: every field a person could be found by is left out.
 */
import { minimalCall as minimalGraphCall, minimalGraphAnswer } from '../../nodes/MicrosoftGraphCalls/minimal';
import { minimalCall as minimalHuskyCall, minimalHuskyAnswer } from '../../nodes/HuskyVoice/minimal';
import { minimalCall, minimalFile, minimalStreamAnswer } from '../../nodes/StreamVideo/minimal';

const person = { id: 'person-1', name: 'Ada Example', image: 'https://img.invalid/ada.png', custom: { email: 'ada@example.com' }, role: 'user' };
const personal = ['person-1', 'Ada Example', 'ada.png', 'ada@example.com', 'secret-note', 'signed=1', '+15550100', 'Contact Name'];
const leaks = (value: unknown) => personal.filter((marker) => JSON.stringify(value).includes(marker));

// Stream CallResponse and MemberResponse (stream-node src/gen/models/index.ts), times as Stream may send them.
const streamCall = {
	type: 'default',
	id: 'c-1',
	cid: 'default:c-1',
	created_at: '2026-11-01T10:00:00.000Z',
	updated_at: '2026-11-01T10:30:00.000Z',
	starts_at: null,
	ended_at: 1_762_000_000_000_000_000,
	created_by: person,
	custom: { note: 'secret-note' },
	recording: true,
	transcribing: false,
	session: { participants: [{ user: person, user_session_id: 's' }], anonymous_participant_count: 1 },
};
const streamMembers = [{ user_id: 'person-1', user: person, role: 'user', custom: {} }];

test('a Stream call: identifiers, times, states and counts; no user, custom data or participants', () => {
	expect(minimalCall(streamCall, streamMembers)).toEqual({
		callType: 'default',
		callId: 'c-1',
		cid: 'default:c-1',
		createdAt: '2026-11-01T10:00:00.000Z',
		updatedAt: '2026-11-01T10:30:00.000Z',
		startsAt: null,
		endedAt: new Date(1_762_000_000_000).toISOString(),
		live: true,
		participantCount: 2,
		recording: true,
		transcribing: false,
		memberCount: 1,
	});
});

test('a Stream recording: no signed URL', () => {
	const file = { session_id: 's-1', filename: 'rec.mp4', url: 'https://files.invalid/rec.mp4?signed=1', start_time: '2026-11-01T10:00:00Z', end_time: '2026-11-01T10:05:00Z', recording_type: 'composite' };
	expect(minimalFile(file, 'default', 'c-1')).toEqual({
		callType: 'default',
		callId: 'c-1',
		cid: 'default:c-1',
		sessionId: 's-1',
		filename: 'rec.mp4',
		startTime: '2026-11-01T10:00:00.000Z',
		endTime: '2026-11-01T10:05:00.000Z',
		recordingType: 'composite',
	});
});

test('quoted answers keep error envelopes and IDs, and only name the other fields', () => {
	const stream = minimalStreamAnswer({ call: streamCall, members: streamMembers, duration: '1ms', blocked_user_ids: ['person-1'] });
	expect(stream).toMatchObject({ duration: '1ms', call: { cid: 'default:c-1' }, otherFields: ['blocked_user_ids'] });
	const streamError = { code: 16, message: "Can't find call with id default:c-1", StatusCode: 404, duration: '0.1ms' };
	expect(minimalStreamAnswer(streamError)).toEqual(streamError);

	const husky = minimalHuskyAnswer({ data: { call_id: 'call_1', deleted: false, contact_name: 'Contact Name', contact_number: '+15550100' } });
	expect(husky).toEqual({ data: { call_id: 'call_1', status: undefined, deleted: false } });
	expect(minimalHuskyAnswer({ error: { code: 'NOT_FOUND', message: 'No completed call' } })).toEqual({ error: { code: 'NOT_FOUND', message: 'No completed call' } });

	const graphError = { error: { code: '8522', message: 'Call not found.', innerError: { 'request-id': 'r-1', date: '2026-11-01T10:00:00' } } };
	expect(minimalGraphAnswer(graphError)).toEqual(graphError);
	for (const quoted of [stream, husky]) expect(leaks(quoted)).toEqual([]);
});

test('a HuskyVoice call and a Graph call: no contact or participant identities', () => {
	const husky = { call_id: 'call_1', status: 'completed', contact_name: 'Contact Name', contact_number: '+15550100', created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T10:02:00Z', duration_seconds: 42 };
	expect(minimalHuskyCall(husky)).toEqual({ callId: 'call_1', status: 'completed', deletable: true, createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:02:00Z', durationSeconds: 42 });
	// Graph call resource (learn.microsoft.com/graph/api/resources/call): source and targets are identitySets.
	const graph = { id: 'g-1', state: 'established', direction: 'outgoing', callChainId: 'chain', subject: 'Call with Ada Example', source: { identity: { user: { id: 'person-1', displayName: 'Ada Example' } } }, targets: [{ identity: { phone: { id: '+15550100' } } }] };
	expect(minimalGraphCall(graph)).toEqual({ callId: 'g-1', state: 'established', direction: 'outgoing', callChainId: 'chain' });
	expect(leaks(minimalGraphAnswer(graph))).toEqual([]);
});
