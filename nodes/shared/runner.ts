import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { noteInterruptedRuns } from './audit';
import { cancelSignalOf } from './cancellation';
import { checkExpressionTypes, checkFilters, forgetItemParameters, itemParameter } from './parameters';
import { attachReceipts, runSignerFor } from './receipts/runReceipts';
import { ITEM_ERROR_DETAILS, itemErrorContext, type ItemIdentity, type ProviderName } from './types';

/** Enough parallelism to keep up with n8n's HTTP Request node on a fast endpoint; pacing keeps it within rate limits. */
export const DEFAULT_CONCURRENCY = 50;
export const MAX_CONCURRENCY = 100;

/** One operation: its parameters and how it handles one item. */
export interface OperationModule<Session> {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, session: Session): Promise<IDataObject | IDataObject[]>;
}

export type OperationMap<Session> = Record<string, Record<string, OperationModule<Session>>>;

/**
 * A session may hold work that completes the batch as a whole (Stream waits for hard-delete tasks, then
 * verifies). It answers with the items that failed in that step, by item index.
 */
export interface BatchSession {
	finish?(): Promise<Map<number, Error> | void>;
}

/**
 * Runs one operation over all input items with bounded concurrency. Output keeps the input order,
 * one item (or one list, for "get many") per input, each with pairedItem. With "continue on fail"
 * (or the error output) a failed item becomes an error item in its place; otherwise the first
 * failure stops the node once in-flight items have settled.
 */
export async function runOperation<Session extends object>(
	ctx: IExecuteFunctions,
	provider: ProviderName,
	operations: OperationMap<Session>,
	createSession: (concurrency: number) => Promise<Session>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${operationName}" on "${resource}" is not supported`);
	}
	// Before any item runs: a run that is to be signed and cannot be deletes nothing.
	const signer = await runSignerFor(ctx, operation.description);
	const concurrency = clampConcurrency(ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY));
	const session = await createSession(concurrency);
	const results: Array<IDataObject | IDataObject[]> = new Array(items.length);
	const continueOnFail = ctx.continueOnFail();
	const cancelSignal = cancelSignalOf(ctx);
	let stopError: { index: number; error: Error } | undefined;

	const fail = (itemIndex: number, error: Error) => {
		nameTheItem(ctx, operation.description, error, itemIndex);
		if (continueOnFail) {
			results[itemIndex] = errorItem(error, provider);
		} else if (!stopError || itemIndex < stopError.index) {
			stopError = { index: itemIndex, error: withItemIndex(ctx, error, itemIndex) };
		}
	};
	const runItem = async (itemIndex: number): Promise<void> => {
		try {
			checkExpressionTypes(ctx, operation.description, itemIndex);
			checkFilters(ctx, operation.description, itemIndex);
			results[itemIndex] = await operation.execute.call(ctx, itemIndex, session);
		} catch (error) {
			fail(itemIndex, error as Error);
		} finally {
			forgetItemParameters(ctx, itemIndex);
		}
	};

	// The first item runs alone: it warms what every later item shares (an access token, rate-limit
	// knowledge), so a 500-item run asks for one token, not one per concurrent worker.
	let started = 0;
	const start = async (itemIndex: number) => {
		started = itemIndex + 1;
		await runItem(itemIndex);
	};
	const keepGoing = () => !stopError && !cancelSignal?.aborted;
	if (items.length > 0) await start(0);
	const rest = items.slice(1).map((_, offset) => offset + 1);
	await forEachConcurrently(rest, concurrency, start, keepGoing);

	if (stopError) throw namingDeletions(stopError.error, results);
	// Stopped by the user: items not yet started are left alone, and n8n discards the run's output.
	if (cancelSignal?.aborted) throw namingDeletions(stoppedError(ctx, started, items.length), results);
	const finishFailures = await (session as BatchSession).finish?.();
	if (cancelSignal?.aborted) throw namingDeletions(stoppedError(ctx, started, items.length), results);
	for (const [itemIndex, error] of finishFailures ?? []) fail(itemIndex, error);
	const batchStop = stopError as { error: Error } | undefined;
	if (batchStop) throw namingDeletions(batchStop.error, results);
	if (operationName === 'delete') noteInterruptedRuns(ctx, results);
	// Built directly (one object per output item) rather than through returnJsonArray and
	// constructExecutionMetaData, which copy each item twice: at 100,000 items that is garbage at the
	// moment the heap is fullest.
	const output: INodeExecutionData[] = [];
	results.forEach((json, itemIndex) => {
		if (Array.isArray(json)) for (const entry of json) output.push({ json: entry, pairedItem: { item: itemIndex } });
		else output.push({ json, pairedItem: { item: itemIndex } });
	});
	if (signer) attachReceipts(ctx.getNode(), ctx.getExecutionId() ?? null, signer, output);
	return [output];
}

/** Runs `work` over `entries` in order, at most `concurrency` at a time; no new entry starts once `keepGoing` says no. */
export async function forEachConcurrently<T>(
	entries: T[],
	concurrency: number,
	work: (entry: T) => Promise<void>,
	keepGoing: () => boolean = () => true,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < entries.length && keepGoing()) await work(entries[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
}

function stoppedError(ctx: IExecuteFunctions, started: number, total: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was stopped', {
		description: `${started} of ${total} items had been started when the execution was stopped; the rest were not sent.`,
	});
}

/** Fields that say what an item was about, in the order an error item shows them. */
const IDENTITY_FIELDS: Array<keyof ItemIdentity> = ['callId', 'callType', 'sessionId', 'filename', 'taskId'];

/**
 * Every failed item names what it was about, whatever failed (an option, the credential, the network): the
 * identifying parameters the error does not carry yet are read for the item, when they are text.
 */
function nameTheItem(
	ctx: IExecuteFunctions,
	properties: INodeProperties[],
	error: Error & { context?: IDataObject },
	itemIndex: number,
): void {
	const context = itemErrorContext(error) as IDataObject;
	const named: IDataObject = {};
	for (const field of IDENTITY_FIELDS) {
		if (context[field] !== undefined || !properties.some((property) => property.name === field)) continue;
		try {
			const value = itemParameter<unknown>(ctx, field, itemIndex);
			if (typeof value === 'string' && value.trim() !== '') named[field] = value.trim().slice(0, 200);
		} catch {
			// An ID whose expression fails names nothing; the error already says what failed.
		}
	}
	if (Object.keys(named).length > 0) error.context = { ...named, ...error.context };
}

/** How many deletions a stop error lists in its description; its context lists all of them. */
const DELETIONS_LISTED = 20;

/**
 * A node that stops on an error (n8n's default On Error) outputs nothing, so the records of the deletes it had
 * already carried out would be lost with it. The error names them: in its description for the reader, and all
 * of them in its context (`deletedBeforeStop`), which n8n keeps with the failed execution.
 */
function namingDeletions<E extends NodeApiError | NodeOperationError | Error>(error: E, results: Array<IDataObject | IDataObject[]>): E {
	const deleted: IDataObject[] = [];
	results.forEach((record, itemIndex) => {
		if (Array.isArray(record) || record?.deleted !== true) return;
		const entry: IDataObject = { itemIndex, provider: record.provider, callId: record.callId };
		for (const field of ['cid', 'sessionId', 'filename', 'taskId', 'requestId', 'requestedAt'])
			if (record[field] !== undefined) entry[field] = record[field];
		deleted.push(entry);
	});
	if (deleted.length === 0) return error;
	const listed = deleted
		.slice(0, DELETIONS_LISTED)
		.map(
			(entry) =>
				`item ${String(entry.itemIndex)}: ${String(entry.cid ?? entry.callId)}${entry.taskId ? ` (task ${String(entry.taskId)})` : ''}`,
		)
		.join('; ');
	const more =
		deleted.length > DELETIONS_LISTED ? `; and ${deleted.length - DELETIONS_LISTED} more (all in the error's deletedBeforeStop)` : '';
	const note = `Before it stopped, this run had already deleted ${deleted.length} item(s), which are in no output: ${listed}${more}. Record them before running again, or set On Error to Continue to keep every record.`;
	const withDescription = error as E & { description?: string | null; context?: IDataObject };
	withDescription.description = withDescription.description ? `${withDescription.description} ${note}` : note;
	withDescription.context = { ...withDescription.context, deletedBeforeStop: deleted };
	return error;
}

function clampConcurrency(value: unknown): number {
	const number = Math.floor(Number(value));
	if (!Number.isFinite(number) || number < 1) return 1;
	return Math.min(number, MAX_CONCURRENCY);
}

/**
 * An error item: `error` (the message) and `details` (what identifies the item and the provider's
 * answer). Only these two keys, so n8n's error output recognises the item as failed and adds the input
 * item's fields to it.
 */
function errorItem(error: Error & { description?: string | null }, provider: ProviderName): IDataObject {
	const details: IDataObject = { provider };
	if (error.description) details.description = error.description;
	const context = itemErrorContext(error);
	for (const field of ITEM_ERROR_DETAILS) {
		const value = context[field];
		if (value !== undefined && value !== null) details[field] = value;
	}
	return { error: error.message, details };
}

function withItemIndex(
	ctx: IExecuteFunctions,
	error: Error & { context?: IDataObject },
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		error.context = { ...error.context, itemIndex };
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}
