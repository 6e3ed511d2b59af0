import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, signReceiptsField, transportOptions } from '../../../shared/descriptions';
import { idParameter } from '../../../shared/parameters';
import { taskIdRule } from '../../descriptions';
import type { StreamSession } from '../../session';
import { describeTask, streamPaths } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3e1b4c2a-…',
		description: 'The task ID a hard delete returned',
	},
	signReceiptsField,
	optionsCollection([...transportOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject> {
	const taskId = idParameter(this, taskIdRule, itemIndex);
	const response = await session.client.request(
		{ method: 'GET', path: streamPaths.task(taskId), rateLimitKey: 'getTask', context: { taskId } },
		itemIndex,
	);
	return { ...describeTask(response.body), taskId, duration: response.body.duration };
}
