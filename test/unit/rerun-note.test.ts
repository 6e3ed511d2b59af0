/** The note a re-run of an interrupted run puts on its not_found records (issue 21), next to the lost-answer note. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { INTERRUPTED_RUN_NOTE, noteInterruptedRuns } from '../../nodes/shared/audit';

/** The few IExecuteFunctions members the note reads: the mode, the node, and the Options collection per item. */
function context(mode: string, optionsByItem: IDataObject[]): IExecuteFunctions {
	const node = { parameters: { options: optionsByItem[0] } };
	return {
		getMode: () => mode,
		getNode: () => node,
		getInputData: () => optionsByItem.map(() => ({ json: {} })),
		getNodeParameter: (name: string, itemIndex: number) => (name === 'options' ? optionsByItem[itemIndex] : undefined),
	} as unknown as IExecuteFunctions;
}

const record = (outcome: string, extra: IDataObject = {}): IDataObject => ({ provider: 'streamVideo', callId: 'c', outcome, ...extra });

test('with the option on, not_found records say they were possibly erased by the interrupted run; others are left alone', () => {
	const results: Array<IDataObject | IDataObject[]> = [
		record('not_found'),
		record('deleted'),
		record('dry_run'),
		{ error: 'x', details: {} },
	];
	noteInterruptedRuns(
		context(
			'webhook',
			results.map(() => ({ rerunOfInterruptedRun: true })),
		),
		results,
	);
	expect(results[0]).toEqual(expect.objectContaining({ note: INTERRUPTED_RUN_NOTE, rerunOfInterruptedRun: true }));
	for (const other of results.slice(1)) expect(other).not.toHaveProperty('note');
});

test('without the option, nothing changes; an n8n retry counts as a re-run', () => {
	const plain = [record('not_found')];
	noteInterruptedRuns(context('webhook', [{ ignoreNotFound: true }]), plain);
	expect(plain[0]).not.toHaveProperty('note');
	const retried = [record('not_found')];
	noteInterruptedRuns(context('retry', [{}]), retried);
	expect(retried[0]).toEqual(expect.objectContaining({ note: INTERRUPTED_RUN_NOTE }));
});

test('a record that already has a note (the lost-answer one) keeps it', () => {
	const results = [record('not_found', { retried: true, note: 'An earlier attempt reached the provider …' })];
	noteInterruptedRuns(context('webhook', [{ rerunOfInterruptedRun: true }]), results);
	expect(results[0].note).toBe('An earlier attempt reached the provider …');
	expect(results[0]).not.toHaveProperty('rerunOfInterruptedRun');
});
