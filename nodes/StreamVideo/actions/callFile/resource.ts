import type { INodeProperties } from 'n8n-workflow';

import { operationField } from '../../../shared/descriptions';
import { deleteFileOperation } from './deleteFile';
import type { CallFileResource } from './files';
import { getManyFilesOperation } from './getManyFiles';

/** One call-file resource (recordings or transcriptions): its Operation selector, Delete and Get Many. */
export function callFileResource(files: CallFileResource) {
	const lower = files.label.toLowerCase();
	const deleteFile = deleteFileOperation(files);
	const getManyFiles = getManyFilesOperation(files);
	const description: INodeProperties[] = [
		operationField({ resource: [files.resource] }, 'getMany', [
			{
				name: 'Delete',
				value: 'delete',
				description: `Permanently delete one ${lower} stored on Stream. Irreversible: run it with Dry Run first.`,
				action: `Delete a ${lower} (irreversible)`,
			},
			{ name: 'Get Many', value: 'getMany', description: `List a call's ${files.kind}`, action: `Get many ${files.kind}` },
		]),
		...deleteFile.description,
		...getManyFiles.description,
	];
	return { description, delete: deleteFile, getMany: getManyFiles };
}
