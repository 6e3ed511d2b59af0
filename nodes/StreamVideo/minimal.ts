import type { IDataObject } from 'n8n-workflow';

import { toIsoTime } from '../shared/time';

/**
 * What Stream items carry when Simplify is on, and what an error item may quote of Stream's answer: identifiers,
 * times, states and counts. Never members' or creators' user objects (names, images, custom data), the call's
 * custom data, session participants or signed file URLs (SDK models: CallResponse, MemberResponse, CallRecording).
 */

const asObject = (value: unknown): IDataObject => (value && typeof value === 'object' ? (value as IDataObject) : {});

/** One call (CallResponse), with the number of its members (QueryCalls and GetCall list them beside the call). */
export function minimalCall(call: IDataObject, members?: unknown): IDataObject {
	const session = asObject(call.session);
	const participants = Array.isArray(session.participants) ? session.participants.length : 0;
	const participantCount = participants + Number(session.anonymous_participant_count ?? 0);
	const minimal: IDataObject = {
		callType: call.type,
		callId: call.id,
		cid: call.cid,
		createdAt: toIsoTime(call.created_at) ?? null,
		updatedAt: toIsoTime(call.updated_at) ?? null,
		startsAt: toIsoTime(call.starts_at) ?? null,
		endedAt: toIsoTime(call.ended_at) ?? null,
		// Stream's "ongoing": people are in the call right now. A call everyone left without ending it is not live.
		live: participantCount > 0,
		participantCount,
		recording: call.recording === true,
		transcribing: call.transcribing === true,
	};
	if (Array.isArray(members)) minimal.memberCount = members.length;
	return minimal;
}

/** One stored recording or transcription (CallRecording, CallTranscription), without its signed URL. */
export function minimalFile(entry: IDataObject, callType: string, callId: string): IDataObject {
	const minimal: IDataObject = {
		callType,
		callId,
		cid: `${callType}:${callId}`,
		sessionId: entry.session_id,
		filename: entry.filename,
		startTime: toIsoTime(entry.start_time) ?? null,
		endTime: toIsoTime(entry.end_time) ?? null,
	};
	if (entry.recording_type !== undefined) minimal.recordingType = entry.recording_type;
	return minimal;
}

/** Fields of Stream's answers that are safe to quote: error envelope (APIError), task and timing. */
const QUOTABLE = ['code', 'message', 'StatusCode', 'task_id', 'duration'];

/** Stream's answer as an error item may quote it: the call and files reduced as above, other fields named only. */
export function minimalStreamAnswer(body: IDataObject): IDataObject {
	const quoted: IDataObject = {};
	for (const key of QUOTABLE) if (body[key] !== undefined) quoted[key] = body[key];
	if (body.call && typeof body.call === 'object') quoted.call = minimalCall(body.call as IDataObject, body.members);
	for (const kind of ['recordings', 'transcriptions']) {
		const files = body[kind];
		if (Array.isArray(files)) {
			quoted[kind] = (files as IDataObject[]).map((file) => ({ session_id: asObject(file).session_id, filename: asObject(file).filename }));
		}
	}
	const unquoted = Object.keys(body).filter((key) => !(key in quoted) && key !== 'members');
	if (unquoted.length > 0) quoted.otherFields = unquoted;
	return quoted;
}
