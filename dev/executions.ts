/**
 * Waiting on a real n8n's executions for the condition itself, never for a fixed time and never with a retry.
 *
 * Two races of n8n's public API decide how (read in n8n's source; ../shared/docs/n8n-here.md, "Timing races"):
 * - `GET /api/v1/executions` hides running executions by an in-memory list read before its database query, and
 *   `ActiveExecutions.add` inserts the row (status `new`, `runData {}`) before it registers the execution. So the list
 *   can show an execution that has not run yet. Only finished ones (`finished`, or `stoppedAt` set) are counted here,
 *   and a list that still holds an unfinished one is waited on.
 * - Queue mode: main waits on Bull's `job.finished()`, which can miss a very short job's completion; main then never
 *   finalises the execution and the public list may leave it out. Queue tests find the execution's ID in main's own
 *   list (`GET /rest/executions`) and wait on `GET /api/v1/executions/{id}`, which reads the database the worker wrote.
 */
import type { IDataObject } from 'n8n-workflow';

import type { N8nInstance } from './real-n8n';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An execution n8n has finished: `finished` (success) or `stoppedAt` set (also error, crashed, canceled). */
export const isFinished = (execution: IDataObject) => execution.finished === true || Boolean(execution.stoppedAt);

/** Polls `read` until `accept` holds for its value and returns that value; on timeout, says what it last saw. */
export async function until<T>(
	read: () => Promise<T>,
	accept: (value: T) => boolean,
	what: string,
	{ timeoutMs = 60_000, intervalMs = 250, describe = (value: T) => JSON.stringify(value)?.slice(0, 3000) } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (accept(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${describe(value)}`);
		await sleep(intervalMs);
	}
}

/** A short description of an execution for error messages: its fields without the (large) data. */
export function summary(execution: IDataObject): string {
	const { data, workflowData: _workflowData, ...fields } = execution;
	return `${JSON.stringify(fields)} data: ${JSON.stringify(data)?.slice(0, 1500)}`;
}

/**
 * The workflow's executions once the public list holds at least `atLeast` finished ones and no unfinished one.
 * Returns the finished executions, oldest first.
 */
export async function settledExecutions(
	n8n: N8nInstance,
	workflowId: string,
	{ atLeast = 1, timeoutMs = 60_000 }: { atLeast?: number; timeoutMs?: number } = {},
): Promise<IDataObject[]> {
	const listed = await until(
		() => n8n.executions(workflowId),
		(executions) => executions.every(isFinished) && executions.length >= atLeast,
		`${atLeast} finished execution(s) of workflow ${workflowId} and none unfinished`,
		{ timeoutMs, describe: (executions) => executions.map(summary).join('\n') },
	);
	return [...listed].sort((a, b) => Number(a.id) - Number(b.id));
}

/** `GET /api/v1/executions/{id}` (with its data) once n8n has finished the execution. */
export async function finishedExecution(n8n: N8nInstance, id: string, { timeoutMs = 60_000 } = {}): Promise<IDataObject> {
	return await until(
		() => n8n.api('GET', `/executions/${id}?includeData=true`),
		isFinished,
		`execution ${id} to finish`,
		{ timeoutMs, describe: summary },
	);
}

/**
 * The IDs of the workflow's executions in main's own list (`GET /rest/executions`, the editor's), which includes the
 * executions main still counts as running; the public list leaves those out.
 */
export async function executionIdsOnMain(n8n: N8nInstance, workflowId: string): Promise<string[]> {
	const response = await n8n.rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
	if (response.status !== 200) throw new Error(`GET /rest/executions → ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
	const data = response.body.data as IDataObject | IDataObject[];
	const results = (Array.isArray(data) ? data : ((data?.results as IDataObject[]) ?? [])) as IDataObject[];
	return results.map((execution) => String(execution.id)).sort((a, b) => Number(a) - Number(b));
}

/** The items a workflow's node put out in an execution fetched with its data, or undefined when the node did not run. */
export function nodeItems(execution: IDataObject, nodeName: string): IDataObject[] | undefined {
	const resultData = (execution.data as IDataObject | undefined)?.resultData as IDataObject | undefined;
	const runs = (resultData?.runData as IDataObject | undefined)?.[nodeName] as
		| Array<{ data?: { main?: Array<Array<{ json: IDataObject }> | null> } }>
		| undefined;
	if (!runs || runs.length === 0) return undefined;
	return runs.flatMap((run) => (run.data?.main?.[0] ?? []).map((item) => item.json));
}
