import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runOperation, type OperationMap } from '../../shared/runner';
import { GraphSession } from '../session';
import { graphProfile } from '../transport';
import * as call from './call';

const operations: OperationMap<GraphSession> = {
	call: { delete: call.delete, get: call.get },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, graphProfile.provider, operations, async (concurrency) => await GraphSession.create(this, concurrency));
}
