/**
 * Signed runs through n8n's engine: every output item of a signing node carries a receipt, error items keep their
 * place in n8n's error output, and each receipt verifies in jose, in the package's verifier, and adds up to the
 * run's head. Unsigned runs and lookups stay as they were.
 */
import type { IDataObject } from 'n8n-workflow';

import { compactVerify, importSPKI } from 'jose';
import { canonicalize } from 'json-canonicalize';

import { merkleTreeHash } from '../../nodes/shared/receipts/merkleTree';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';
import { pollTrigger, runWorkflow } from '../../dev/harness/n8n-inprocess';
import { CREDENTIAL_IDS, RECEIPT_KEY, runNode, useEmulators } from './setup';

const bench = useEmulators();

type Controls = Record<string, (...args: never[]) => unknown>;
const stream = () =>
	bench.emulator.stream as unknown as Controls & { seedCalls(calls: IDataObject[]): void; seedTasks(tasks: IDataObject[]): void };
const husky = () => bench.emulator.husky as unknown as { seedCalls(calls: IDataObject[]): void };
const GRAPH_CALL = '2f1a0c00-8a5e-4b34-9f6a-6d8e11b2a3c4';
const KEYS = verifyingKeysFrom(RECEIPT_KEY.publicKeyPem);

/** Checks a run's receipts with jose (pinned alg) and JCS, and returns the statements in seq order. */
async function joseStatements(items: IDataObject[]): Promise<IDataObject[]> {
	const publicKey = await importSPKI(RECEIPT_KEY.publicKeyPem, 'Ed25519');
	const statements: Array<{ statement: IDataObject; bytes: Buffer }> = [];
	for (const item of items) {
		const receipt = (item.receipt ?? (item.details as IDataObject).receipt) as { jws: string; head: string };
		const { payload, protectedHeader } = await compactVerify(receipt.jws, publicKey, { algorithms: ['Ed25519'] });
		expect(protectedHeader).toEqual({ alg: 'Ed25519', kid: KEYS[0].kid, typ: 'erasure-receipt+jws' });
		const text = Buffer.from(payload).toString('utf8');
		const statement = JSON.parse(text) as IDataObject;
		expect(canonicalize(statement)).toBe(text);
		const { receipt: _receipt, ...shown } = item;
		if (_receipt === undefined) shown.details = { ...(shown.details as IDataObject), receipt: undefined };
		expect(statement.record).toEqual(JSON.parse(JSON.stringify(shown)));
		statements.push({ statement, bytes: Buffer.from(payload) });
	}
	statements.sort((a, b) => Number(a.statement.seq) - Number(b.statement.seq));
	const head = await compactVerify(
		((items[0].receipt ?? (items[0].details as IDataObject).receipt) as IDataObject).head as string,
		publicKey,
		{ algorithms: ['Ed25519'] },
	);
	expect(head.protectedHeader.typ).toBe('erasure-batch+jws');
	const headStatement = JSON.parse(Buffer.from(head.payload).toString('utf8'));
	expect(headStatement.root).toBe(merkleTreeHash(statements.map((entry) => entry.bytes)).toString('base64url'));
	expect(headStatement.size).toBe(items.length);
	return statements.map((entry) => entry.statement);
}

describe('Sign Receipts on', () => {
	test('a Stream run: deleted, not found and error items all signed, in seq order, verified by jose and the verifier', async () => {
		stream().seedCalls([{ id: 'r1' }, { id: 'r3' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: '={{ $json.id }}',
				deleteMode: 'hard',
				signReceipts: true,
				options: { ignoreNotFound: true },
			},
			[{ id: 'r1' }, { id: 'gone' }, { id: 'bad/id' }, { id: 'r3' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(run.out.map((item) => item.outcome ?? 'error')).toEqual(['deleted', 'not_found', 'error', 'deleted']);
		const statements = await joseStatements(run.out);
		expect(statements.map((statement) => statement.seq)).toEqual([0, 1, 2, 3]);
		expect(statements[0]).toMatchObject({ v: 1, iss: RECEIPT_KEY.issuer, node: 'Node', size: 4, execution: expect.any(String) });
		const report = verifyReceipts(run.out, KEYS);
		expect(report).toMatchObject({ ok: true, batches: [{ complete: true, rootMatches: true, size: 4, missing: [] }] });
	});

	test("error items stay on n8n's error output with their receipts; the two outputs together are one complete run", async () => {
		stream().seedCalls([{ id: 'e1' }]);
		const run = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', signReceipts: true },
			[{ id: 'e1' }, { id: 'missing' }],
			{ onError: 'continueErrorOutput' },
		);
		expect(run.out).toHaveLength(1);
		expect(run.errorsOut).toHaveLength(1);
		// There the receipt rides in details: n8n routes only items whose JSON holds nothing but error, message and details.
		expect(run.errorsOut[0]).toMatchObject({
			error: expect.stringMatching(/Can't find call/),
			details: { callId: 'missing', receipt: { jws: expect.any(String) } },
		});
		expect(run.errorsOut[0]).not.toHaveProperty('receipt');
		// n8n's error output adds the input item's fields; the verifier names them as unsigned.
		const report = verifyReceipts([...run.errorsOut, ...run.out], KEYS);
		expect(report.ok).toBe(true);
		expect(report.items[0].unsignedFields).toEqual(['id']);
		expect(report.batches[0]).toMatchObject({ complete: true, size: 2 });
	});

	test('HuskyVoice over REST and the webhook, Graph, recordings and a Task Get are signed alike', async () => {
		husky().seedCalls([{ call_id: 'call_s1' }, { call_id: 'call_s2' }]);
		(bench.emulator.graph.seedCalls as (calls: IDataObject[]) => void)([{ id: GRAPH_CALL }]);
		stream().seedCalls([{ id: 'rec', recordings: [{ session_id: 's1', filename: 'a.mp4' }] }, { id: 'hard' }]);
		const hard = await runNode(
			bench.store,
			'streamVideo',
			{
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: 'hard',
				deleteMode: 'hard',
				signReceipts: true,
				options: { waitForCompletion: true },
			},
			[{}],
		);
		const runs = [
			await runNode(bench.store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: 'call_s1', signReceipts: true }, [{}]),
			await runNode(
				bench.store,
				'huskyVoice',
				{ authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_s2', signReceipts: true },
				[{}],
			),
			await runNode(bench.store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: GRAPH_CALL, signReceipts: true }, [
				{},
			]),
			await runNode(
				bench.store,
				'streamVideo',
				{
					resource: 'recording',
					operation: 'delete',
					callType: 'default',
					callId: 'rec',
					sessionId: 's1',
					filename: 'a.mp4',
					signReceipts: true,
				},
				[{}],
			),
			hard,
			await runNode(
				bench.store,
				'streamVideo',
				{ resource: 'task', operation: 'get', taskId: String(hard.out[0].taskId), signReceipts: true },
				[{}],
			),
		];
		for (const run of runs) {
			expect(run.error).toBeUndefined();
			await joseStatements(run.out);
		}
		// The Task Get is the completion receipt of the hard delete, linked by taskId.
		expect(runs[5].out[0]).toMatchObject({ taskId: hard.out[0].taskId, status: 'completed' });
		expect(
			verifyReceipts(
				runs.flatMap((run) => run.out),
				KEYS,
			),
		).toMatchObject({ ok: true });
	});
});

describe('Sign Receipts off, and what is never signed', () => {
	test('an unsigned run has no receipt and no other change; Get and Get Many are never signed', async () => {
		stream().seedCalls([{ id: 'u1' }, { id: 'u2' }]);
		const unsigned = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: 'u1' },
			[{}],
		);
		expect(unsigned.out[0]).not.toHaveProperty('receipt');
		expect(unsigned.items('Node')[0]).not.toHaveProperty('error');
		// A leftover Sign Receipts value on a lookup signs nothing.
		const get = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'get', callType: 'default', callId: 'u2', signReceipts: true },
			[{}],
		);
		const many = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'getMany', returnAll: true, signReceipts: true },
			[{}],
		);
		expect(get.out[0]).not.toHaveProperty('receipt');
		expect(many.out.length).toBeGreaterThan(0);
		for (const item of many.out) expect(item).not.toHaveProperty('receipt');
	});

	test('a key that cannot sign stops the node before anything is deleted', async () => {
		stream().seedCalls([{ id: 'k1' }]);
		bench.store.set(CREDENTIAL_IDS.receiptKey, { privateKey: RECEIPT_KEY.publicKeyPem });
		const run = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: 'k1', signReceipts: true },
			[{}],
			{
				onError: 'continueRegularOutput',
			},
		);
		expect(run.error?.message).toBe('The Erasure Receipt Signing Key cannot sign');
		expect(String(run.error?.description)).toMatch(/This is a public key/);
		expect(bench.emulator.log.entries()).toHaveLength(0);
	});
});

describe('Erasure Receipts → Verify inside n8n, as a scheduled self-check of stored receipts would', () => {
	async function verifyInN8n(items: IDataObject[], comparison: 'columns' | 'exact' = 'exact') {
		const run = await runWorkflow(
			[
				{ name: 'Stored', type: 'test.items', parameters: { items: JSON.stringify(items) } },
				{ name: 'Check', type: 'erasureReceipts', parameters: { operation: 'verify', publicKeys: RECEIPT_KEY.publicKeyPem, comparison } },
			],
			bench.store,
		);
		expect(run.error).toBeUndefined();
		return run.output('Check');
	}

	test('a whole run is valid item by item; a dropped item and an edited one are named', async () => {
		stream().seedCalls([{ id: 'v1' }, { id: 'v2' }, { id: 'v3' }]);
		const signed = await runNode(
			bench.store,
			'streamVideo',
			{ resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', signReceipts: true },
			[{ id: 'v1' }, { id: 'v2' }, { id: 'v3' }],
		);
		const whole = await verifyInN8n(signed.out);
		expect(whole.map((item) => item.valid)).toEqual([true, true, true]);
		expect(whole[0]).toMatchObject({ seq: 0, size: 3, runComplete: true, runMissing: [], problems: [], kid: KEYS[0].kid });

		const tampered = await verifyInN8n([signed.out[0], { ...signed.out[2], deleted: false }]);
		expect(tampered.map((item) => item.valid)).toEqual([false, false]);
		expect(tampered[0]).toMatchObject({ receiptValid: true, runComplete: false, runMissing: [1] });
		expect(tampered[1].problems).toEqual(['field "deleted" differs from the signed record']);
	});

	test('data table rows with the receipt as text and extra columns verify column by column', async () => {
		husky().seedCalls([{ call_id: 'call_t1' }]);
		const signed = await runNode(
			bench.store,
			'huskyVoice',
			{ resource: 'call', operation: 'delete', callId: 'call_t1', signReceipts: true },
			[{}],
		);
		const row = {
			id: 7,
			createdAt: '2026-12-06T00:00:00.000Z',
			callId: 'call_t1',
			outcome: 'deleted',
			deleted: 'true',
			receipt: JSON.stringify(signed.out[0].receipt),
		};
		expect((await verifyInN8n([row], 'columns'))[0]).toMatchObject({ valid: true });
		expect((await verifyInN8n([{ ...row, outcome: 'not_found' }], 'columns'))[0].problems).toEqual([
			'field "outcome" differs from the signed record',
		]);
	});
});

describe('Stream Video Trigger with Sign Receipts', () => {
	test("each poll's finished tasks are one signed run: the completion receipts of the hard deletes", async () => {
		stream().seedTasks([
			{ taskId: 'task-done', status: 'completed' },
			{ taskId: 'task-broken', status: 'failed' },
		]);
		const items = await pollTrigger(bench.store, {
			credentialId: 'stream',
			staticData: {},
			parameters: { event: 'hardDeleteFinished', taskIds: 'task-done, task-broken, task-unknown', signReceipts: true },
		});
		expect(items?.map((item) => [item.taskId, item.status])).toEqual([
			['task-done', 'completed'],
			['task-broken', 'failed'],
			['task-unknown', 'not_found'],
		]);
		const statements = await joseStatements(items ?? []);
		expect(statements.map((statement) => [statement.seq, statement.size, statement.execution, statement.node])).toEqual([
			[0, 3, null, 'Stream Video Trigger'],
			[1, 3, null, 'Stream Video Trigger'],
			[2, 3, null, 'Stream Video Trigger'],
		]);
		expect(verifyReceipts(items ?? [], KEYS)).toMatchObject({ ok: true });
	});
});
