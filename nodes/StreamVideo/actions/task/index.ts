import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/descriptions';
import * as getTask from './get.operation';

export { getTask as get };

export const description: INodeProperties[] = [
	operationField({ resource: ['task'] }, 'get', [
		{ name: 'Get', value: 'get', description: 'Get the status of an asynchronous task, such as a hard delete', action: 'Get a task' },
	]),
	...getTask.description,
];
