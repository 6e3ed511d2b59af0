/** Seeded data the conformance tests share: Stream users with profiles, and calls with members, a creator, people in
 *  the call now, recordings and transcriptions. */
import { daysAgo, type Emulator } from '../../dev/emulators/client';

export const USERS = [
	{ id: 'alice', name: 'Alice Example', image: 'https://images.invalid/alice.png', custom: { crmId: 'crm-1' }, role: 'user' },
	{ id: 'bob', name: 'Bob Example', role: 'admin' },
	{ id: 'carol', name: 'Carol Example' },
];

/** Resets the emulator (empty) and seeds the users and calls. */
export function seedStream(target: Emulator): void {
	target.reset({ seed: false });
	target.stream.seedUsers(USERS as never);
	target.stream.seedCalls([
		{
			type: 'default',
			id: 'conf-1',
			created_at: daysAgo(41),
			ended_at: daysAgo(40),
			created_by_user_id: 'alice',
			members: ['alice', 'bob'],
			recordings: [{ session_id: 'session-a', filename: 'rec_conf-1_1.mp4', end_time: daysAgo(40) }],
			transcriptions: [{ session_id: 'session-a', filename: 'transcript_conf-1_1.jsonl', end_time: daysAgo(40) }],
		},
		{ type: 'default', id: 'conf-2', created_at: daysAgo(30), ended_at: daysAgo(30), created_by_user_id: 'bob', members: ['bob', 'carol'] },
		{ type: 'default', id: 'conf-3', created_at: daysAgo(20), ended_at: daysAgo(20), created_by_user_id: 'alice', members: ['carol'] },
		{ type: 'default', id: 'conf-live', created_at: daysAgo(0), ended_at: null, created_by_user_id: 'carol', members: ['alice', 'carol'], participants: ['alice', 'carol'] },
		{ type: 'livestream', id: 'conf-4', created_at: daysAgo(10), ended_at: daysAgo(10), created_by_user_id: 'alice', members: ['alice'] },
	] as never);
}

