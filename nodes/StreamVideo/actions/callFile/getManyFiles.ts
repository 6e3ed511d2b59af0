import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { idParameter, itemParameter } from '../../../shared/parameters';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { filtersCollection, optionsCollection, simplifyField, transportOptions } from '../../../shared/descriptions';
import { callIdField, callIdRule, callTypeField, callTypeRule } from '../../descriptions';
import { minimalFile } from '../../minimal';
import type { StreamSession } from '../../session';
import { entriesOf, listFiles, type CallFileResource } from './files';

/** Get Many: every recording (or transcription) of a call, one item each. */
export function getManyFilesOperation(files: CallFileResource) {
	const properties: INodeProperties[] = [
		callTypeField,
		callIdField,
		simplifyField(
			`each ${files.label.toLowerCase()} as Stream lists it, with its signed url: a link that lets anyone holding it download the file`,
		),
		filtersCollection([
			{
				displayName: 'Ended Before',
				name: 'endedBefore',
				type: 'dateTime',
				default: '',
				description: `Only ${files.kind} that ended before this time, e.g. {{ $now.minus({ days: 30 }) }} to keep 30 days`,
			},
		]),
		optionsCollection([...transportOptions]),
	];
	return {
		description: updateDisplayOptions({ show: { resource: [files.resource], operation: ['getMany'] } }, properties),
		async execute(this: IExecuteFunctions, itemIndex: number, session: StreamSession): Promise<IDataObject[]> {
			const callType = idParameter(this, callTypeRule, itemIndex);
			const callId = idParameter(this, callIdRule, itemIndex);
			const filters = itemParameter<IDataObject>(this, 'filters', itemIndex, {});
			const endedBefore = filters.endedBefore ? Date.parse(String(filters.endedBefore)) : undefined;
			if (endedBefore !== undefined && Number.isNaN(endedBefore)) {
				throw new NodeOperationError(this.getNode(), `Ended Before "${String(filters.endedBefore)}" is not a date`, { itemIndex });
			}
			const simplify = itemParameter(this, 'simplify', itemIndex, true) === true;
			const response = await listFiles(session, files, callType, callId, itemIndex);
			return entriesOf(response, files)
				.map((entry) => ({ entry, minimal: minimalFile(entry, callType, callId) }))
				.filter(
					({ minimal }) => endedBefore === undefined || (minimal.endTime !== null && Date.parse(String(minimal.endTime)) < endedBefore),
				)
				.map(({ entry, minimal }) => (simplify ? minimal : { ...minimal, url: entry.url }));
		},
	};
}
