/**
 * Every operation, succeeding and failing, with distinctive secrets and a person with distinctive data: no
 * secret, and none of the person's data the providers hold, may appear in output items, error messages or
 * descriptions, the run data n8n stores, or anything logged through n8n's logger; none follows a redirect to another
 * origin (whose Location here spells out every secret); and the credentials' Test results quote none either.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialsDecrypted, ICredentialTestFunctions, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { streamServerToken } from '../../credentials/jwt';
import type { CredentialStore } from '../../dev/harness/n8n-inprocess';
import { startEmulator, type Emulator } from '../../dev/emulators/client';
import { credentialsFor, runNode } from './setup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRecorder } = require('../../dev/emulators/recorder') as {
	createRecorder(): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }>;
};
// The built credential tests, as n8n loads them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { credentialTests } = require('../../dist/credentials/credentialTests') as {
	credentialTests: Record<string, (this: ICredentialTestFunctions, credential: ICredentialsDecrypted) => Promise<INodeCredentialTestResult>>;
};

const SECRETS = {
	streamSecret: 'StreamSecret-Distinct-7f3a9',
	graphSecret: 'GraphSecret~Distinct.8b2c1',
	huskyKey: 'sk_live_HuskyKeyDistinct_5d4e3',
	webhookToken: 'whk_WebhookTokenDistinct_2a1b0',
};

/** What the providers hold about one person: never in n8n's items (Simplify is on by default) or logs. */
const PERSONAL = {
	displayName: 'Hygiene Displayname Tamsin',
	image: 'https://img.invalid/hygiene-avatar.png',
	custom: 'hygiene-custom-value-6620',
	otherMember: 'hygiene-other-member-31',
	contactName: 'Hygiene Contact Ferris',
	contactNumber: '+15550177004',
	graphTarget: 'Hygiene Graph Invitee',
};

let emulator: Emulator;
let recorder: Awaited<ReturnType<typeof createRecorder>>;
let store: CredentialStore;
const logged: string[] = [];

beforeAll(async () => {
	emulator = await startEmulator();
	recorder = await createRecorder();
	const capture = (level: string) => (message: string, meta?: object) => logged.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
	LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as never);
});
afterAll(async () => {
	await emulator.close();
	await recorder.close();
});

test('no secret appears in any output, error or log line, for every operation', async () => {
	emulator.reset();
	// The emulators accept these secrets, so both successes and provider failures are exercised.
	(emulator.stream.addApp as (key: string, secret: string) => void)('distinct-key', SECRETS.streamSecret);
	(emulator.graph.configure as (c: IDataObject) => void)({ clientSecret: SECRETS.graphSecret });
	(emulator.husky.addKey as (key: string, options?: IDataObject) => void)(SECRETS.huskyKey);
	(emulator.husky.addWebhookToken as (token: string) => void)(SECRETS.webhookToken);
	store = credentialsFor(emulator);
	store.set('stream', { apiKey: 'distinct-key', apiSecret: SECRETS.streamSecret, baseUrl: emulator.streamBaseUrl });
	store.set('graph', { ...(store.data.get('graph') as IDataObject), clientSecret: SECRETS.graphSecret } as never);
	store.set('husky', { apiKey: SECRETS.huskyKey, authHeader: 'both', baseUrl: emulator.huskyBaseUrl });
	store.set('husky-webhook', { webhookToken: SECRETS.webhookToken, baseUrl: emulator.huskyBaseUrl });

	(emulator.stream.seedUsers as (users: IDataObject[]) => void)([
		{ id: 'hygiene-person', name: PERSONAL.displayName, image: PERSONAL.image, custom: { note: PERSONAL.custom } },
	]);
	const members = ['hygiene-person', PERSONAL.otherMember];
	emulator.stream.seedCalls([
		{ type: 'default', id: 'sec1', ended_at: new Date().toISOString(), members, custom: { note: PERSONAL.custom } },
		{ type: 'default', id: 'sec2', ended_at: new Date().toISOString(), members, created_by_user_id: 'hygiene-person' },
	] as never);
	emulator.graph.seedCalls([
		{ id: '00000000-0000-4000-8000-00000000aaaa', state: 'established', targets: [{ id: 'g-1', displayName: PERSONAL.graphTarget }] },
	] as never);
	const contact = { contact_name: PERSONAL.contactName, contact_number: PERSONAL.contactNumber };
	emulator.husky.seedCalls([
		{ call_id: 'call_s1', status: 'completed', ...contact },
		{ call_id: 'call_s2', status: 'completed', ...contact },
		{ call_id: 'call_s3', status: 'queued', ...contact },
		{ call_id: 'call_s4', status: 'completed', ...contact },
	] as never);

	const onError = { onError: 'continueRegularOutput' as const };
	const runs = [
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: '={{ $json.id }}', deleteMode: 'hard' }, [{ id: 'sec1' }, { id: 'missing' }, { id: 'bad/id' }], onError),
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'get', callType: 'default', callId: 'missing' }, [{}], onError),
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'get', callType: 'default', callId: 'sec2' }, [{}], onError),
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: 'sec2', options: { dryRun: true } }, [{}], onError),
		await runNode(store, 'microsoftGraphCalls', { resource: 'call', operation: 'get', callId: '00000000-0000-4000-8000-00000000aaaa' }, [{}], onError),
		await runNode(store, 'huskyVoice', { resource: 'call', operation: 'get', callId: 'call_s4' }, [{}], onError),
		await runNode(store, 'streamVideo', { resource: 'task', operation: 'get', taskId: 'missing-task' }, [{}], onError),
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'getMany', returnAll: true }, [{}], onError),
		await runNode(store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, [{ id: '00000000-0000-4000-8000-00000000aaaa' }, { id: '00000000-0000-4000-8000-00000000bbbb' }], onError),
		await runNode(store, 'microsoftGraphCalls', { resource: 'call', operation: 'get', callId: '00000000-0000-4000-8000-00000000bbbb' }, [{}], onError),
		await runNode(store, 'huskyVoice', { resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, [{ id: 'call_s1' }, { id: 'call_s3' }], onError),
		await runNode(store, 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: '={{ $json.id }}' }, [{ id: 'call_s2' }, { id: 'call_none' }], onError),
		await runNode(store, 'huskyVoice', { resource: 'call', operation: 'get', callId: 'call_none' }, [{}], onError),
		await runNode(store, 'huskyVoice', { resource: 'call', operation: 'cancel', callId: 'call_s3' }, [{}], onError),
	];

	// Failing credentials: wrong secrets of the same distinctive shape.
	store.set('stream', { apiKey: 'distinct-key', apiSecret: `${SECRETS.streamSecret}-wrong`, baseUrl: emulator.streamBaseUrl });
	store.set('graph', { ...(store.data.get('graph') as IDataObject), clientSecret: `${SECRETS.graphSecret}-wrong`, accessToken: '' } as never);
	store.set('husky-webhook', { webhookToken: `${SECRETS.webhookToken}-wrong`, baseUrl: emulator.huskyBaseUrl });
	runs.push(
		await runNode(store, 'streamVideo', { resource: 'call', operation: 'delete', callType: 'default', callId: 'x' }, [{}], onError),
		await runNode(store, 'microsoftGraphCalls', { resource: 'call', operation: 'delete', callId: '00000000-0000-4000-8000-00000000cccc' }, [{}], onError),
		await runNode(store, 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_x' }, [{}], onError),
	);
	// And a run that stops on its error (no continue): the workflow error itself.
	runs.push(await runNode(store, 'huskyVoice', { authentication: 'webhookToken', resource: 'call', operation: 'delete', callId: 'call_x' }, [{}]));
	const stoppedOnError = runs[runs.length - 1];

	// Redirects to another origin, with the right secrets: nothing follows them, and no error quotes the Location
	// (which here carries every secret).
	store.set('stream', { apiKey: 'distinct-key', apiSecret: SECRETS.streamSecret, baseUrl: emulator.streamBaseUrl });
	store.set('graph', { ...(store.data.get('graph') as IDataObject), clientSecret: SECRETS.graphSecret, accessToken: '' } as never);
	store.set('husky-webhook', { webhookToken: SECRETS.webhookToken, baseUrl: emulator.huskyBaseUrl });
	const location = `${recorder.url}/collect/${Object.values(SECRETS).join('/')}?token=${SECRETS.huskyKey}`;
	for (const provider of ['stream', 'husky', 'login', 'graph']) {
		emulator.faults.clear();
		emulator.faults.add({ provider, type: 'status', status: 307, headers: { Location: location }, body: {} });
		const node = { stream: 'streamVideo', husky: 'huskyVoice', login: 'microsoftGraphCalls', graph: 'microsoftGraphCalls' }[provider] as 'streamVideo';
		const parameters: IDataObject =
			node === 'streamVideo'
				? { resource: 'call', operation: 'delete', callType: 'default', callId: 'redirected' }
				: { resource: 'call', operation: 'delete', callId: node === 'huskyVoice' ? 'call_redirected' : '00000000-0000-4000-8000-00000000dddd' };
		runs.push(await runNode(store, node, parameters, [{}], onError));
		if (provider === 'husky') runs.push(await runNode(store, 'huskyVoice', { ...parameters, authentication: 'webhookToken' }, [{}], onError));
	}
	emulator.faults.clear();
	expect(recorder.requests).toEqual([]);

	// The credentials' Test buttons, passing and failing (a wrong secret, a redirect), through n8n-core's own context.
	const testContext = new CredentialTestContext({} as never) as unknown as ICredentialTestFunctions;
	const credentialTest = async (type: string, data: IDataObject) =>
		await credentialTests[`${type}Test`].call(testContext, { id: 't', name: 't', type, data: data as never });
	const graphData = { ...(store.data.get('graph') as IDataObject), clientSecret: SECRETS.graphSecret };
	const testCases: Array<[string, IDataObject]> = [
		['streamVideoApi', { apiKey: 'distinct-key', apiSecret: SECRETS.streamSecret, baseUrl: emulator.streamBaseUrl }],
		['streamVideoApi', { apiKey: 'distinct-key', apiSecret: `${SECRETS.streamSecret}-wrong`, baseUrl: emulator.streamBaseUrl }],
		['microsoftGraphCallsApi', graphData],
		['microsoftGraphCallsApi', { ...graphData, clientSecret: `${SECRETS.graphSecret}-wrong` }],
		['huskyVoiceApi', { apiKey: SECRETS.huskyKey, authHeader: 'both', baseUrl: emulator.huskyBaseUrl }],
		['huskyVoiceApi', { apiKey: `${SECRETS.huskyKey}-wrong`, authHeader: 'both', baseUrl: emulator.huskyBaseUrl }],
		['huskyVoiceWebhookApi', { webhookToken: SECRETS.webhookToken, baseUrl: emulator.huskyBaseUrl }],
	];
	const testResults = [];
	for (const [type, data] of testCases) testResults.push(await credentialTest(type, data));
	for (const provider of ['stream', 'husky', 'login', 'graph']) {
		emulator.faults.clear();
		emulator.faults.add({ provider, type: 'status', status: 307, headers: { Location: location }, body: {} });
		const [type, data] = testCases[{ stream: 0, husky: 4, login: 2, graph: 2 }[provider] as number];
		testResults.push(await credentialTest(type, data));
	}
	emulator.faults.clear();
	expect(testResults.map((result) => result.status)).toEqual(['OK', 'Error', 'OK', 'Error', 'OK', 'Error', 'OK', 'Error', 'Error', 'Error', 'Error']);
	expect(recorder.requests).toEqual([]);

	const successes = runs.flatMap((run) => run.out).filter((item) => item.error === undefined);
	const failures = runs.flatMap((run) => run.out).filter((item) => item.error !== undefined);
	expect(successes.length).toBeGreaterThanOrEqual(6);
	expect(failures.length).toBeGreaterThanOrEqual(8);
	expect(stoppedOnError.error).toBeDefined();
	// The redirected runs failed their items (nothing deleted from another origin's answer).
	expect(failures.filter((item) => /unexpected redirect to/.test(String(item.error)))).toHaveLength(5);

	const haystack = JSON.stringify({
		testResults,
		outputs: runs.map((run) => run.run.data.resultData),
		errors: runs.map((run) => run.error && { message: run.error.message, description: run.error.description, context: run.error.context }),
		logged,
	});
	const forbidden = [
		...Object.values(SECRETS),
		streamServerToken(SECRETS.streamSecret),
		encodeURIComponent(SECRETS.graphSecret),
	];
	for (const secret of forbidden) expect(haystack).not.toContain(secret);
	for (const personal of Object.values(PERSONAL)) expect(haystack).not.toContain(personal);
	// The looked-up items are there, simplified: the test did read the person's calls.
	expect(JSON.stringify(successes)).toContain('"memberCount":2');
	// Graph access tokens are secrets too.
	for (const token of (emulator.graph.issuedTokens as () => string[])()) expect(haystack).not.toContain(token);
});
