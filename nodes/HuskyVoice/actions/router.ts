import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runOperation, type OperationMap } from '../../shared/runner';
import { HuskySession } from '../session';
import { HUSKY_VOICE } from '../transport';
import * as call from './call';

const operations: OperationMap<HuskySession> = {
	call: { delete: call.delete, get: call.get, cancel: call.cancel },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, HUSKY_VOICE, operations, async (concurrency) => await HuskySession.create(this, concurrency));
}
