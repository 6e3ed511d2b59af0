/**
 * Simplify, on by default on every get and get many: a person's data that the provider holds (names, contact
 * details, custom data, signed file links, the user IDs of other members) never reaches n8n's items, dry runs or
 * error items, so n8n keeps no copy of what the workflow erases. Off returns the provider's answer, as documented.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode, useEmulators } from './setup';

const bench = useEmulators();

/** One person, with values found nowhere else, as the provider holds them. */
const PERSON = {
	userId: 'marker-user-4b1d',
	name: 'Marker Displayname Quill',
	image: 'https://img.invalid/marker-avatar-77.png',
	custom: { ticket: 'marker-custom-ticket-31' },
	callCustom: { crmNote: 'marker-call-note-92' },
	contactName: 'Marker Contact Vellum',
	contactNumber: '+15550199731',
	graphName: 'Marker Graph Person',
};
const MARKERS = [
	PERSON.userId,
	PERSON.name,
	PERSON.image,
	PERSON.custom.ticket,
	PERSON.callCustom.crmNote,
	PERSON.contactName,
	PERSON.contactNumber,
	PERSON.graphName,
	'stream-recordings.invalid',
];
const GRAPH_CALL = '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4';

type Controls = Record<string, (...args: never[]) => unknown>;
const control = (provider: 'stream' | 'graph' | 'husky') => bench.emulator[provider] as unknown as Controls;

function seedPerson() {
	(control('stream').seedUsers as (users: IDataObject[]) => void)([
		{ id: PERSON.userId, name: PERSON.name, image: PERSON.image, custom: PERSON.custom },
	]);
	(control('stream').seedCalls as (calls: IDataObject[]) => void)([
		{
			type: 'default',
			id: 'p-call',
			created_by_user_id: PERSON.userId,
			custom: PERSON.callCustom,
			members: [PERSON.userId, 'agent-1'],
			recordings: [{ filename: 'p-call.mp4', session_id: 's-1' }],
			transcriptions: [{ filename: 'p-call.txt', session_id: 's-1' }],
		},
	]);
	(control('husky').seedCalls as (calls: IDataObject[]) => void)([
		{ call_id: 'call_p', status: 'completed', contact_name: PERSON.contactName, contact_number: PERSON.contactNumber },
	]);
	(control('graph').seedCalls as (calls: IDataObject[]) => void)([
		{ id: GRAPH_CALL, subject: `Call with ${PERSON.graphName}`, targets: [{ id: 'graph-user-1', displayName: PERSON.graphName }] },
	]);
}

const markersIn = (value: unknown) => MARKERS.filter((marker) => JSON.stringify(value).includes(marker));

const streamCall = { callType: 'default', callId: 'p-call' };
const OPERATIONS: Array<{ name: string; type: 'streamVideo' | 'microsoftGraphCalls' | 'huskyVoice'; parameters: IDataObject; fields: string[] }> = [
	{
		name: 'Stream call get',
		type: 'streamVideo',
		parameters: { resource: 'call', operation: 'get', ...streamCall },
		fields: ['callType', 'callId', 'cid', 'createdAt', 'updatedAt', 'startsAt', 'endedAt', 'live', 'participantCount', 'recording', 'transcribing', 'memberCount', 'requestId'],
	},
	{
		name: 'Stream call get many',
		type: 'streamVideo',
		parameters: { resource: 'call', operation: 'getMany', returnAll: true, filters: { memberIds: PERSON.userId } },
		fields: ['callType', 'callId', 'cid', 'createdAt', 'updatedAt', 'startsAt', 'endedAt', 'live', 'participantCount', 'recording', 'transcribing', 'memberCount'],
	},
	{
		name: 'Stream recording get many',
		type: 'streamVideo',
		parameters: { resource: 'recording', operation: 'getMany', ...streamCall },
		fields: ['callType', 'callId', 'cid', 'sessionId', 'filename', 'startTime', 'endTime', 'recordingType'],
	},
	{
		name: 'Stream transcription get many',
		type: 'streamVideo',
		parameters: { resource: 'transcription', operation: 'getMany', ...streamCall },
		fields: ['callType', 'callId', 'cid', 'sessionId', 'filename', 'startTime', 'endTime'],
	},
	{
		name: 'HuskyVoice call get',
		type: 'huskyVoice',
		parameters: { resource: 'call', operation: 'get', callId: 'call_p' },
		fields: ['callId', 'status', 'deletable', 'createdAt', 'updatedAt', 'durationSeconds'],
	},
	{
		name: 'Graph call get',
		type: 'microsoftGraphCalls',
		parameters: { resource: 'call', operation: 'get', callId: GRAPH_CALL },
		fields: ['callId', 'state', 'direction', 'callChainId', 'requestId'],
	},
];

describe.each(OPERATIONS)('$name', ({ type, parameters, fields }) => {
	test('simplified by default: exactly the fields erasure, cleanup and retention need, and no personal data', async () => {
		seedPerson();
		const run = await runNode(bench.store, type, parameters, [{}]);
		expect(run.out.length).toBeGreaterThan(0);
		for (const item of run.out) {
			expect(Object.keys(item).sort()).toEqual([...fields].sort());
			expect(markersIn(item)).toEqual([]);
		}
	});

	test('Simplify off returns what the provider answered, personal data included, as its description says', async () => {
		seedPerson();
		const run = await runNode(bench.store, type, { ...parameters, simplify: false }, [{}]);
		expect(markersIn(run.out).length).toBeGreaterThan(0);
	});
});

test('the simplified call carries the counts and states a cleanup decides on', async () => {
	seedPerson();
	const got = await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'get', ...streamCall }, [{}]);
	expect(got.out[0]).toMatchObject({ cid: 'default:p-call', live: false, participantCount: 0, memberCount: 2, endedAt: expect.stringMatching(/^\d{4}-/) });
});

test('dry runs and error items quote no personal data from the provider', async () => {
	seedPerson();
	const onError = { onError: 'continueRegularOutput' as const };
	const runs = [
		await runNode(bench.store, 'streamVideo', { resource: 'call', operation: 'delete', ...streamCall, options: { dryRun: true } }, [{}]),
		await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'recording', operation: 'delete', ...streamCall, sessionId: 's-1', filename: 'p-call.mp4', options: { dryRun: true } },
			[{}],
		),
		await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_p', options: { dryRun: true } }, [{}]),
		await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: GRAPH_CALL, options: { dryRun: true } }, [{}]),
	];
	expect(runs.map((run) => run.out[0].outcome)).toEqual(['dry_run', 'dry_run', 'dry_run', 'dry_run']);
	expect(runs[0].out[0].call).toMatchObject({ cid: 'default:p-call', memberCount: 2, live: false });
	expect(runs[1].out[0].file).toMatchObject({ sessionId: 's-1', filename: 'p-call.mp4' });

	// Answers quoted in error items: one that does not confirm the delete (and names the person), and a call
	// still readable after its delete (GetCall answers with the members' profiles).
	bench.emulator.faults.add([
		{
			provider: 'husky',
			method: 'DELETE',
			type: 'status',
			status: 200,
			body: { data: { call_id: 'call_p', deleted: false, contact_name: PERSON.contactName, contact_number: PERSON.contactNumber } },
		},
		{
			provider: 'stream',
			path: '/p-call/delete$',
			type: 'status',
			status: 201,
			body: { call: { cid: 'default:p-call' }, task_id: 'task-p-call', duration: '1ms' },
		},
	]);
	(bench.emulator.stream.seedTasks as (tasks: IDataObject[]) => void)([{ taskId: 'task-p-call', status: 'completed' }]);
	const unconfirmed = await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_p' }, [{}], onError);
	const stillReadable = await runNode(
		bench.store,
		'streamVideo',
		{ resource: 'call', operation: 'delete', ...streamCall, deleteMode: 'hard', options: { verify: true } },
		[{}],
		onError,
	);
	expect(unconfirmed.out[0]).toMatchObject({ details: { code: 'UNCONFIRMED', answer: expect.stringContaining('"deleted":false') } });
	expect(stillReadable.out[0]).toMatchObject({
		details: { code: 'STILL_READABLE', answer: expect.stringContaining('"memberCount":2') },
	});
	for (const run of [...runs, unconfirmed, stillReadable]) expect(markersIn(run.run.data.resultData)).toEqual([]);
});
