import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ProviderClient } from '../shared/transport';
import type { DeletionAudit } from '../shared/audit';
import { sleepUnlessCancelled } from '../shared/cancellation';
import { notFoundOrError, unverifiable, verifyGone } from '../shared/erasure';
import { forEachConcurrently, type BatchSession } from '../shared/runner';
import { transportOptionsFrom } from '../shared/session';
import type { ApiResponse } from '../shared/types';
import { callGoneCheck, describeTask, isStreamNotFound, openStreamApi, streamPaths, TERMINAL_TASK_STATUSES } from './transport';

const TASK_POLL_INTERVAL_MS = 1000;
/** Wait Timeout's default in the delete operation. */
const DEFAULT_WAIT_TIMEOUT_SECONDS = 60;

/** What a Stream audit record says about the item, besides the call ID. */
export type StreamIdentity = {
	callType: string;
	cid: string;
	deleteMode?: 'soft' | 'hard';
	resource?: string;
	sessionId?: string;
	filename?: string;
};

interface WatchedTask {
	record: DeletionAudit;
	itemIndex: number;
	/** Look the call up again once the task completed. */
	verify: boolean;
}

/** Everything one Stream node execution shares across its items. */
export class StreamSession implements BatchSession {
	private readonly watched: WatchedTask[] = [];
	/** The longest Wait Timeout any item asked for, in ms: the wait for all tasks together, from when it starts. */
	private waitMs = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		readonly client: ProviderClient,
	) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<StreamSession> {
		return new StreamSession(ctx, await openStreamApi(ctx, transportOptionsFrom(ctx, concurrency)));
	}

	/** A 404 from Stream on delete: "not found" (the call, recording or transcription) or an unknown call type. */
	notFound(
		response: ApiResponse,
		callId: string,
		identity: StreamIdentity,
		options: IDataObject,
		itemIndex: number,
		subject = 'call',
	): DeletionAudit {
		const { callType, sessionId, filename } = identity;
		const context = { callId, callType, sessionId, filename };
		return notFoundOrError(
			this.client,
			response,
			{ callId, itemIndex, extra: identity, context },
			{
				matches: isStreamNotFound(response.status, response.body),
				ignoreNotFound: options.ignoreNotFound === true,
				advice: `The ${subject} does not exist or was already deleted. Turn on "Ignore Not Found" to count it as done.`,
				otherAdvice: 'Check the call type: it must exist in your Stream app (Dashboard → Video & Audio → Call Types).',
			},
		);
	}

	/** Registers a hard-delete task to be watched with all the others of this run. */
	waitForTask(record: DeletionAudit, itemIndex: number, timeoutSeconds: number, verify: boolean): void {
		// The delete already happened, so a timeout that is not a number bounds the wait at the default, not at nothing.
		const seconds = Number.isFinite(timeoutSeconds) ? Math.max(1, timeoutSeconds) : DEFAULT_WAIT_TIMEOUT_SECONDS;
		this.waitMs = Math.max(this.waitMs, seconds * 1000);
		this.watched.push({ record, itemIndex, verify });
	}

	/**
	 * Polls every watched task together until all are finished or the wait timeout, counted from here, passes,
	 * then verifies the calls whose items asked for it. Answers with the items that failed verification.
	 */
	async finish(): Promise<Map<number, Error>> {
		const failures = new Map<number, Error>();
		const waitDeadline = Date.now() + this.waitMs;
		let pending = this.watched;
		while (pending.length > 0) {
			await forEachConcurrently(pending, this.client.options.concurrency, async (task) => await this.poll(task));
			pending = pending.filter(({ record }) => !TERMINAL_TASK_STATUSES.has(String(record.taskStatus)));
			const left = waitDeadline - Date.now();
			if (pending.length === 0 || left <= 0) break;
			await sleepUnlessCancelled(Math.min(TASK_POLL_INTERVAL_MS, left), this.client.cancelSignal);
			if (this.client.cancelSignal?.aborted) return failures;
		}
		for (const { record } of pending) record.waitTimedOut = true;
		const toVerify = this.watched.filter((task) => task.verify);
		await forEachConcurrently(toVerify, this.client.options.concurrency, async (task) => {
			try {
				Object.assign(task.record, await this.verifyAfterTask(task));
			} catch (error) {
				failures.set(task.itemIndex, error as Error);
			}
		});
		return failures;
	}

	/** A hard delete is verified once its task completed and the call is no longer readable. */
	private async verifyAfterTask({ record, itemIndex }: WatchedTask): Promise<IDataObject> {
		const callId = String(record.callId);
		const callType = String(record.callType);
		const context = { callId, callType, cid: String(record.cid), taskId: String(record.taskId) };
		const client = this.client;
		if (record.taskStatus === 'failed') {
			const error = new NodeApiError(this.ctx.getNode(), { ...context, taskError: record.taskError ?? null } as JsonObject, {
				message: 'Stream Video: the hard-delete task failed, so the erasure is not complete',
				description: `Task ${String(record.taskId)} ended as failed${record.taskError ? `: ${JSON.stringify(record.taskError)}` : ''}. Run the hard delete again; if the call is already gone, contact Stream support with the task ID.`,
				itemIndex,
			});
			error.context = { ...error.context, ...context, provider: client.profile.provider, itemIndex };
			throw error;
		}
		if (record.taskStatus !== 'completed') {
			return unverifiable(
				record.taskPollError
					? `The hard-delete task could not be read (${String(record.taskPollError)}), so the erasure was not verified.`
					: 'The hard-delete task had not finished within Wait Timeout, so the erasure was not verified. Watch the task ID with the Stream Video Trigger.',
			);
		}
		return await verifyGone(client, itemIndex, context, callGoneCheck(callType, callId));
	}

	private async poll({ record, itemIndex }: WatchedTask): Promise<void> {
		const taskId = String(record.taskId);
		try {
			const response = await this.client.request(
				{ method: 'GET', path: streamPaths.task(taskId), rateLimitKey: 'getTask', context: { taskId } },
				itemIndex,
			);
			const task = describeTask(response.body);
			record.taskStatus = task.status;
			if (task.finishedAt) record.taskFinishedAt = task.finishedAt;
			if (task.error) record.taskError = task.error;
			delete record.taskPollError;
		} catch (error) {
			// The delete itself succeeded; a task that cannot be read is reported, not turned into a failure.
			record.taskPollError = (error as Error).message;
		}
	}
}
