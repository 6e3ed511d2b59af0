import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { ProviderClient } from '../shared/transport';
import { describeTask, isStreamNotFound, openStreamApi, streamPaths } from '../StreamVideo/transport';
import { taskIdRule } from '../StreamVideo/descriptions';
import { optionsCollection, signReceiptsField } from '../shared/descriptions';
import { RECEIPT_KEY_CREDENTIAL } from '../shared/receipts/credentialTest';
import { attachReceipts, signerIfOn } from '../shared/receipts/runReceipts';
import { forEachConcurrently } from '../shared/runner';
import { isTransientFailure } from '../shared/transport';
import { itemErrorContext } from '../shared/types';
import { parseIdList, requireId } from '../shared/validation';
import { EmittedTasks, type TriggerState } from './emittedTasks';
import { credentialTests } from '../shared/credentialTests';

/** Polls that may fail in a row for transient reasons before the failure is reported. */
const TRANSIENT_POLLS_BEFORE_ERROR = 3;
/** Part of n8n's poll budget we use, leaving room to emit and commit. */
const BUDGET_SHARE = 0.8;
/** n8n 1.x has no getPollBudgetMs (added in 2.x); its polls are unbounded, so we bound ourselves to 2.x's default. */
const FALLBACK_POLL_BUDGET_MS = 5 * 60_000;

type PollResult =
	| { kind: 'finished'; item: IDataObject }
	| { kind: 'pending' }
	| { kind: 'transient'; error: Error }
	| { kind: 'fatal'; error: Error };

export class StreamVideoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stream Video Trigger',
		name: 'streamVideoTrigger',
		icon: { light: 'file:../../icons/streamVideo.svg', dark: 'file:../../icons/streamVideo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Hard delete finished" }}',
		description: 'Starts the workflow when Stream finishes a hard-delete task (completed or failed)',
		defaults: { name: 'Stream Video Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'streamVideoApi', required: true, testedBy: 'streamVideoApiTest' },
			{
				name: 'erasureReceiptKeyApi',
				required: true,
				testedBy: 'erasureReceiptKeyTest',
				displayOptions: { show: { signReceipts: [true] } },
			},
		],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				options: [
					{
						name: 'Hard Delete Finished',
						value: 'hardDeleteFinished',
						description: 'A hard-delete task reached completed or failed',
					},
				],
				default: 'hardDeleteFinished',
			},
			{
				displayName: 'Task IDs',
				name: 'taskIds',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				required: true,
				placeholder: 'e.g. 6a1f…, 9b2c…',
				description:
					'The task IDs to watch, separated by commas or new lines (the taskId of each Stream Video hard delete). Each finished task fires once.',
			},
			{
				...signReceiptsField,
				description: `${signReceiptsField.description}. Each poll's items are one signed run: the completion receipts of the hard deletes, linked to them by taskId.`,
			},
			{
				displayName:
					'To continue right after a hard delete in the same workflow, use the Stream Video node\'s "Wait for Completion" option instead. This trigger watches a known set of tasks, for example from a bulk run.',
				name: 'patternNotice',
				type: 'notice',
				default: '',
			},
			optionsCollection([
				{
					displayName: 'Emit On',
					name: 'emitOn',
					type: 'options',
					default: 'both',
					options: [
						{ name: 'Completed or Failed', value: 'both' },
						{ name: 'Completed Only', value: 'completed' },
						{ name: 'Failed Only', value: 'failed' },
					],
					description:
						'Which finished tasks start the workflow. Unknown task IDs, and task IDs Stream refuses to look up, are always reported once.',
				},
				{
					displayName: 'Concurrency',
					name: 'concurrency',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 50 },
					default: 10,
					description: 'How many tasks are looked up at the same time during one poll',
				},
			]),
		],
	};

	/** The credentials' Test buttons (see nodes/shared/credentialTests.ts). */
	methods = { credentialTest: credentialTests };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const manual = this.getMode() === 'manual';
		// Before anything is looked up: a poll that is to be signed and cannot be reports nothing unsigned.
		const signer = await signerIfOn(
			this.getNode(),
			this.getNodeParameter('signReceipts', false),
			async () => await this.getCredentials(RECEIPT_KEY_CREDENTIAL),
		);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const emitOn = String(options.emitOn ?? 'both');
		const watched = parseIdList(this.getNodeParameter('taskIds', '')).map((id) => requireId(this.getNode(), id, taskIdRule, 0));
		// Manual runs do not save static data, so they neither read nor record what was emitted.
		const state = manual ? undefined : (this.getWorkflowStaticData('node') as TriggerState);
		const emitted = new EmittedTasks(state);
		const toFetch = watched.filter((id) => !emitted.has(id));
		if (toFetch.length === 0) {
			if (manual) throw noneFinished(this, watched.length);
			return null;
		}

		const client = await openStreamApi(this, {
			concurrency: Math.max(1, Math.min(50, Number(options.concurrency ?? 10))),
			timeoutMs: 15_000,
			maxAttempts: 1,
			retryBudgetMs: 0,
		});
		const deadline = Date.now() + pollBudgetMs(this) * BUDGET_SHARE;
		const results = new Map<string, PollResult>();
		await forEachConcurrently(
			toFetch,
			client.options.concurrency,
			async (taskId) => void results.set(taskId, await fetchTask(client, taskId)),
			() => Date.now() < deadline,
		);

		// A refused credential or app will not heal by itself: report it through n8n's trigger error path.
		const fatal = [...results.values()].find((result) => result.kind === 'fatal');
		if (fatal) throw (fatal as { error: Error }).error;
		const transient = [...results.values()].filter((result) => result.kind === 'transient');
		if (transient.length > 0 && transient.length === results.size) {
			const failedPolls = emitted.recordTransientPoll();
			if (failedPolls >= TRANSIENT_POLLS_BEFORE_ERROR || manual) throw (transient[0] as { error: Error }).error;
		} else {
			emitted.recordHealthyPoll();
		}

		const items: INodeExecutionData[] = [];
		for (const taskId of toFetch) {
			const result = results.get(taskId);
			if (result?.kind !== 'finished') continue;
			const status = String(result.item.status);
			// Tasks filtered out by "Emit On" count as handled, so they are not fetched again.
			emitted.add(taskId);
			// Unknown and refused task IDs are always reported, once, whatever Emit On says.
			if (status === 'not_found' || status === 'error' || emitOn === 'both' || emitOn === status) items.push({ json: result.item });
		}
		emitted.prune(watched);
		if (items.length === 0) {
			if (manual) throw noneFinished(this, watched.length);
			return null;
		}
		// A poll has no execution yet when it signs: the execution it starts is made from these items.
		if (signer) attachReceipts(this.getNode(), null, signer, items);
		return [items];
	}
}

async function fetchTask(client: ProviderClient, taskId: string): Promise<PollResult> {
	const outcome = await client
		.request({ method: 'GET', path: streamPaths.task(taskId), rateLimitKey: 'getTask', context: { taskId } }, 0, [404])
		.then(
			(response) => ({ response }),
			(error: Error) => ({ error }),
		);
	if ('error' in outcome) {
		if (isTransientFailure(outcome.error)) return { kind: 'transient', error: outcome.error };
		// Only a 400 is Stream refusing this task ID itself, for good: report it once, keep watching the rest.
		if (itemErrorContext(outcome.error).httpStatus === 400) return { kind: 'finished', item: refusedTask(taskId, outcome.error) };
		// Anything else (401, 403: the key or app; no answer at all) says nothing about the task: fail the poll,
		// so n8n reports it and every task stays watched.
		return { kind: 'fatal', error: outcome.error };
	}
	const { response } = outcome;
	if (response.status === 404) {
		// A 404 that is not Stream's "not found" (a proxy, a wrong base URL) is not about the task either.
		if (!isStreamNotFound(response.status, response.body)) {
			return { kind: 'fatal', error: client.toNodeError(client.failureFrom(response), 0, { context: { taskId } }) };
		}
		return {
			kind: 'finished',
			item: { taskId, status: 'not_found', finishedAt: null, error: { description: 'Stream does not know this task ID' } },
		};
	}
	const task = describeTask(response.body);
	if (task.status !== 'completed' && task.status !== 'failed') return { kind: 'pending' };
	return { kind: 'finished', item: { ...task, taskId } };
}

/** The item for a task ID Stream refuses to look up for good (a 400 on that ID). */
function refusedTask(taskId: string, error: Error): IDataObject {
	const context = itemErrorContext(error);
	return {
		taskId,
		status: 'error',
		finishedAt: null,
		error: { message: error.message, httpStatus: context.httpStatus ?? null, code: context.code ?? null },
	};
}

function pollBudgetMs(ctx: IPollFunctions): number {
	const budget = (ctx as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs?.call(ctx);
	return typeof budget === 'number' && budget > 0 ? budget : FALLBACK_POLL_BUDGET_MS;
}

function noneFinished(ctx: IPollFunctions, count: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `None of the ${count} watched tasks has finished yet`, {
		description:
			count === 0
				? 'Add task IDs to watch (the taskId that a Stream Video hard delete returns).'
				: 'Stream reports them as pending or running (or they were already reported). Try again once the hard deletes have run.',
	});
}
