/**
 * Signed erasures inside a real n8n (2.41.1; 1.123.81 with N8N_VERSION=1.x), installed from the packed tarball:
 * the signing key's credential test, signed deletes of all three providers with their error and not-found items,
 * a hard delete and its Task Get, each receipt checked by jose and the package's verifier, and one receipt and one
 * head by stock OpenSSL as an auditor would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { compactVerify, importSPKI } from 'jose';

import { bootRealN8n, runThroughWebhook, type RealN8n } from '../../dev/real-n8n';
import { verifyingKeysFrom, verifyReceipts } from '../../nodes/shared/receipts/verify';

jest.setTimeout(300_000);

let bench: RealN8n;

beforeAll(async () => {
	bench = await bootRealN8n();
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

const GRAPH_CALL = '00000000-0000-4000-8000-00000000e2e1';
const signing = { alsoCredentials: ['receiptKey' as const] };
const receiptOf = (item: IDataObject) =>
	(item.receipt ?? (item.details as IDataObject | undefined)?.receipt) as { jws: string; head: string };

async function joseChecks(items: IDataObject[]): Promise<number> {
	const publicKey = await importSPKI(bench.receiptPublicKeyPem, 'Ed25519');
	let verified = 0;
	for (const item of items) {
		const { jws, head } = receiptOf(item);
		for (const [token, typ] of [
			[jws, 'erasure-receipt+jws'],
			[head, 'erasure-batch+jws'],
		]) {
			const { protectedHeader } = await compactVerify(token, publicKey, { algorithms: ['Ed25519'] });
			expect(protectedHeader.typ).toBe(typ);
			verified++;
		}
	}
	return verified;
}

test("the signing key's credential test in n8n: it shows the key ID, and says what is wrong with a wrong key", async () => {
	const credential = bench.credentials.receiptKey;
	const [kid] = verifyingKeysFrom(bench.receiptPublicKeyPem).map((key) => key.kid);
	const good = await bench.n8n.testCredential({ id: credential.id, name: credential.name, type: credential.type, data: credential.data });
	expect(good.data).toEqual({ status: 'OK', message: expect.stringContaining(`Key ID (kid): ${kid}`) });
	const wrong = await bench.n8n.testCredential({
		id: credential.id,
		name: credential.name,
		type: credential.type,
		data: { ...credential.data, privateKey: bench.receiptPublicKeyPem },
	});
	expect(wrong.data).toEqual({ status: 'Error', message: expect.stringMatching(/This is a public key/) });
});

test('signed deletes of all three providers, their failures and a hard delete with its Task Get verify with jose, the verifier and OpenSSL', async () => {
	bench.emulator.stream.seedCalls([
		{ type: 'default', id: 'sig-1' },
		{ type: 'default', id: 'sig-hard' },
	] as never);
	bench.emulator.husky.seedCalls([
		{ call_id: 'call_sig1', status: 'completed' },
		{ call_id: 'call_sig2', status: 'completed' },
	] as never);
	bench.emulator.graph.seedCalls([{ id: GRAPH_CALL, state: 'established' }] as never);

	const stream = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			...signing,
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: '={{ $json.callId }}',
				signReceipts: true,
				options: { ignoreNotFound: true },
			},
		},
		[{ callId: 'sig-1' }, { callId: 'never-there' }, { callId: 'bad/id' }],
	);
	expect(stream.items.map((item) => item.outcome ?? 'error')).toEqual(['deleted', 'not_found', 'error']);

	const hard = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			...signing,
			parameters: {
				resource: 'call',
				operation: 'delete',
				callType: 'default',
				callId: 'sig-hard',
				deleteMode: 'hard',
				signReceipts: true,
				options: { waitForCompletion: true },
			},
		},
		[{}],
	);
	const task = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			...signing,
			parameters: { resource: 'task', operation: 'get', taskId: String(hard.items[0].taskId), signReceipts: true },
		},
		[{}],
	);
	expect(task.items[0]).toMatchObject({ taskId: hard.items[0].taskId, status: 'completed' });

	const husky = await runThroughWebhook(
		bench,
		{
			type: 'huskyVoice',
			credential: 'husky',
			...signing,
			parameters: { resource: 'call', operation: 'delete', callId: 'call_sig1', signReceipts: true },
		},
		[{}],
	);
	const hook = await runThroughWebhook(
		bench,
		{
			type: 'huskyVoice',
			credential: 'huskyWebhook',
			...signing,
			parameters: { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_sig2', signReceipts: true },
		},
		[{}],
	);
	const graph = await runThroughWebhook(
		bench,
		{
			type: 'microsoftGraphCalls',
			credential: 'graph',
			...signing,
			parameters: { resource: 'call', operation: 'delete', callId: GRAPH_CALL, signReceipts: true },
		},
		[{}],
	);

	const runs = [stream, hard, task, husky, hook, graph];
	for (const run of runs) expect(run.status).toBe(200);
	const items = runs.flatMap((run) => run.items);
	for (const item of items) expect(receiptOf(item)).toEqual({ jws: expect.any(String), head: expect.any(String) });
	expect(await joseChecks(items)).toBe(items.length * 2);

	const report = verifyReceipts(items, verifyingKeysFrom(bench.receiptPublicKeyPem));
	expect(report.ok).toBe(true);
	expect(report.batches).toHaveLength(6);
	for (const batch of report.batches)
		expect(batch).toMatchObject({ complete: true, rootMatches: true, iss: 'Example Controller Ltd', node: 'Subject' });

	// The auditor's recipe, with nothing but OpenSSL: one receipt and one head.
	const work = mkdtempSync(path.join(tmpdir(), 'e2e-receipts-'));
	const publicPem = path.join(work, 'receipt-public.pem');
	writeFileSync(publicPem, bench.receiptPublicKeyPem);
	for (const token of [receiptOf(stream.items[2]).jws, receiptOf(stream.items[0]).head]) {
		const result = spawnSync('sh', ['scripts/verify-with-openssl.sh', 'verify', publicPem, token], {
			cwd: path.join(__dirname, '..', '..'),
			encoding: 'utf8',
		});
		expect(result.stdout).toMatch(/Signature Verified Successfully/);
		expect(result.status).toBe(0);
	}
});

test('an unsigned run is as before: no receipt on any item', async () => {
	bench.emulator.stream.seedCalls([{ type: 'default', id: 'plain-1' }] as never);
	const run = await runThroughWebhook(
		bench,
		{
			type: 'streamVideo',
			credential: 'stream',
			parameters: { resource: 'call', operation: 'delete', callType: 'default', callId: 'plain-1' },
		},
		[{}],
	);
	expect(run.items[0]).toMatchObject({ callId: 'plain-1', outcome: 'deleted' });
	expect(run.items[0]).not.toHaveProperty('receipt');
});
