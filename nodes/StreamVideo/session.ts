import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DeletionAudit } from '../shared/audit';
import { deletionAudit } from '../shared/audit';
import { sleepUnlessCancelled } from '../shared/cancellation';
import type { BatchSession } from '../shared/runner';
import { transportOptionsFrom } from '../shared/session';
import { toIsoTime } from '../shared/time';
import type { ApiResponse } from '../shared/types';
import { isStreamNotFound, StreamApi, streamPaths } from './transport';

const TASK_POLL_INTERVAL_MS = 1000;
const TERMINAL_TASK_STATUSES = new Set(['completed', 'failed']);

interface WatchedTask {
	record: DeletionAudit;
	itemIndex: number;
}

/** A Stream task as items report it: status, and ISO times whatever format Stream used. */
export function describeTask(task: IDataObject): IDataObject {
	const status = typeof task.status === 'string' ? task.status : 'unknown';
	const described: IDataObject = {
		taskId: task.task_id,
		status,
		createdAt: toIsoTime(task.created_at),
		updatedAt: toIsoTime(task.updated_at),
	};
	if (TERMINAL_TASK_STATUSES.has(status)) described.finishedAt = toIsoTime(task.updated_at);
	if (task.error) described.error = task.error;
	if (task.result) described.result = task.result;
	return described;
}

/** Everything one Stream node execution shares across its items. */
export class StreamSession implements BatchSession {
	private readonly started = Date.now();
	private readonly watched: WatchedTask[] = [];
	private waitDeadline = 0;

	constructor(readonly api: StreamApi) {}

	static async create(ctx: IExecuteFunctions, concurrency: number): Promise<StreamSession> {
		return new StreamSession(await StreamApi.create(ctx, transportOptionsFrom(ctx, concurrency)));
	}

	/** A 404 from Stream: an audit item when the user allows it (or a retry found the work done), else an error. */
	notFound(response: ApiResponse, callId: string, identity: IDataObject, options: IDataObject, itemIndex: number): DeletionAudit {
		const notFound = isStreamNotFound(response.status, response.body);
		if (notFound && (options.ignoreNotFound === true || response.retriedAfterLostResponse)) {
			return deletionAudit('streamVideo', callId, 'not_found', response, identity);
		}
		const client = this.api.client;
		throw client.toNodeError(
			client.failureFrom(response),
			itemIndex,
			{ context: { callId, callType: identity.callType } },
			notFound
				? 'The call does not exist or was already deleted. Turn on "Ignore Not Found" to count it as done.'
				: 'Check the call type: it must exist in your Stream app (Dashboard → Video & Audio → Call Types).',
		);
	}

	/** Registers a hard-delete task to be watched with all the others of this run. */
	waitForTask(record: DeletionAudit, itemIndex: number, timeoutSeconds: number): void {
		const deadline = this.started + Math.max(1, timeoutSeconds) * 1000;
		this.waitDeadline = Math.max(this.waitDeadline, deadline);
		this.watched.push({ record, itemIndex });
	}

	/** Polls every watched task together until all are finished or the run's wait timeout passes. */
	async finish(): Promise<void> {
		let pending = this.watched;
		while (pending.length > 0) {
			await this.pollAll(pending);
			pending = pending.filter(({ record }) => !TERMINAL_TASK_STATUSES.has(String(record.taskStatus)));
			const left = this.waitDeadline - Date.now();
			if (pending.length === 0 || left <= 0) break;
			await sleepUnlessCancelled(Math.min(TASK_POLL_INTERVAL_MS, left), this.api.client.cancelSignal);
			if (this.api.client.cancelSignal?.aborted) return;
		}
		for (const { record } of pending) record.waitTimedOut = true;
	}

	private async pollAll(tasks: WatchedTask[]): Promise<void> {
		let next = 0;
		const worker = async () => {
			while (next < tasks.length) await this.poll(tasks[next++]);
		};
		const workers = Math.min(this.api.client.options.concurrency, tasks.length);
		await Promise.all(Array.from({ length: workers }, worker));
	}

	private async poll({ record, itemIndex }: WatchedTask): Promise<void> {
		const taskId = String(record.taskId);
		try {
			const response = await this.api.request(
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
