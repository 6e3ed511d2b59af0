import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runOperation, type OperationMap } from '../../shared/runner';
import { StreamSession } from '../session';
import { streamProfile } from '../transport';
import * as call from './call';
import * as recording from './recording';
import * as task from './task';
import * as transcription from './transcription';

const operations: OperationMap<StreamSession> = {
	call: { delete: call.delete, get: call.get, getMany: call.getMany },
	task: { get: task.get },
	recording: { delete: recording.delete, getMany: recording.getMany },
	transcription: { delete: transcription.delete, getMany: transcription.getMany },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runOperation(this, streamProfile.provider, operations, async (concurrency) => await StreamSession.create(this, concurrency));
}
