import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runOperation, type OperationMap } from '../../shared/runner';
import { StreamSession } from '../session';
import * as call from './call';
import * as task from './task';

const operations: OperationMap<StreamSession> = {
	call: { delete: call.delete, get: call.get, getMany: call.getMany },
	task: { get: task.get },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, operations, async (concurrency) => await StreamSession.create(this, concurrency));
}
