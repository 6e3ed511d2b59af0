/**
 * Stream Video as AI agent tools in a real n8n (2.41.1; 1.123.81 with N8N_VERSION=1.x), installed from the packed
 * tarball: a Webhook starts n8n's AI Agent, whose OpenAI Chat Model (Chat Completions API) talks to the scripted model
 * among the emulators, and the agent's tools are this package's `streamVideoTool` as Get Many and as Delete, their
 * parameters filled by the model through `$fromAI`. The scripted model records what it was offered and told.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';
import { request } from 'undici';

import { bootRealN8n, callWebhook, PACKAGE, type RealN8n } from '../../dev/real-n8n';
import { credentialData, daysAgo, type ChatCompletionRequest } from '../../dev/emulators/client';
import { settledExecutions, until } from '../../dev/executions';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8N_MAJOR, N8N_VERSION } = require('../../dev/n8n-runtime');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { postWebhook } = require('../../dev/examples');

jest.setTimeout(300_000);

/** AI Agent 3.1 exists from n8n 2.x; the 1.123 line has 3 (same Tools Agent, no human review for tools). */
const AGENT_VERSION = N8N_MAJOR >= 2 ? 3.1 : 3;

/** Personal data the emulator holds about the person: the model must never see it through Get Many (Simplify). */
const PERSON = { userId: 'ai-erase-me', name: 'Agnes Agentova', custom: 'ai-custom-field-7731' };

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let bench: RealN8n;
let openAiCredentialId: string;

beforeAll(async () => {
	bench = await bootRealN8n();
	openAiCredentialId = await bench.n8n.createCredential('OpenAI (scripted emulator)', 'openAiApi', credentialData(bench.emulator).openAiApi);
});
afterAll(async () => await bench?.close());
beforeEach(() => bench.emulator.reset());

const streamCall = (id: string) => (bench.emulator.stream.getCall as (type: string, id: string) => IDataObject | undefined)('default', id);

/**
 * Webhook → AI Agent (prompt from the request) with the OpenAI Chat Model and the given tool nodes. The webhook answers
 * with the agent's output (last node), or, with `streaming`, streams it: then the agent streams and so does the model.
 */
async function agentWorkflow(path: string, tools: IDataObject[], { streaming = false } = {}): Promise<string> {
	const stream = { streamVideoApi: { id: bench.credentials.stream.id, name: bench.credentials.stream.name } };
	return await bench.n8n.createWorkflow({
		name: path,
		nodes: [
			{
				id: 'webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: path,
				parameters: streaming
					? { httpMethod: 'POST', path, responseMode: 'streaming', options: {} }
					: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
			},
			{
				id: 'agent',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: AGENT_VERSION,
				position: [220, 0],
				parameters: { promptType: 'define', text: '={{ $json.body.prompt }}', options: {} },
			},
			{
				id: 'model',
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				// 1.2 uses the Chat Completions API (1.3 defaults to the Responses API).
				typeVersion: 1.2,
				position: [120, 220],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: { id: openAiCredentialId, name: 'OpenAI (scripted emulator)' } },
			},
			...tools.map((tool, index) => ({
				id: `tool-${index}`,
				type: `${PACKAGE}.streamVideoTool`,
				typeVersion: 1,
				position: [320 + index * 200, 220],
				credentials: stream,
				...tool,
			})),
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			...Object.fromEntries(tools.map((tool) => [tool.name, { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] }])),
		},
	});
}

/** Sends the prompt to a new agent workflow with these tools (active only meanwhile): its answer and its execution. */
async function askAgent(pathPrefix: string, tools: IDataObject[], prompt: string, options: { streaming?: boolean } = {}) {
	const path = `${pathPrefix}-${Date.now()}`;
	const workflowId = await agentWorkflow(path, tools, options);
	await bench.n8n.activate(workflowId);
	let response: { status: number; body: unknown };
	try {
		response = await callWebhook(bench, path, { prompt });
	} finally {
		await bench.n8n.deactivate(workflowId);
	}
	const [execution] = await settledExecutions(bench.n8n, workflowId);
	return { response, execution };
}

const FIND_CALLS = {
	name: 'Find calls',
	parameters: {
		resource: 'call',
		operation: 'getMany',
		returnAll: false,
		limit: 50,
		filters: { createdByUserId: "={{ $fromAI('userId', 'The Stream user ID of the person whose calls to find', 'string') }}" },
	},
};
const DELETE_CALL = {
	name: 'Delete call',
	parameters: {
		resource: 'call',
		operation: 'delete',
		callType: 'default',
		callId: "={{ $fromAI('callId', 'The ID of the call to delete, as Find calls returns it', 'string') }}",
		deleteMode: 'soft',
	},
};

/** The tool-role messages of a request, each with the name of the tool whose call it answers. */
function toolResults(request: ChatCompletionRequest): Array<{ tool: string; content: string }> {
	const names = new Map<string, string>();
	for (const message of request.messages)
		for (const call of message.tool_calls ?? []) names.set(String(call.id), String((call.function as IDataObject).name));
	return request.messages
		.filter((message) => message.role === 'tool')
		.map((message) => ({
			tool: names.get(String(message.tool_call_id)) ?? '?',
			content: typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
		}));
}

describe(`Stream Video as AI agent tools (n8n ${N8N_VERSION}, AI Agent ${AGENT_VERSION}, OpenAI Chat Model 1.2)`, () => {
	test('the model is offered Get Many and Delete, is told the delete is irreversible, fills the call ID through $fromAI, and gets the audit record back', async () => {
		const { stream } = bench.emulator;
		stream.seedUsers([{ id: PERSON.userId, name: PERSON.name, custom: { note: PERSON.custom } }] as never);
		stream.seedCalls([
			{ type: 'default', id: 'ai-call-1', created_by_user_id: PERSON.userId, members: [PERSON.userId, 'agent-7'], ended_at: daysAgo(2), custom: { crm: PERSON.custom } },
			{ type: 'default', id: 'ai-call-2', created_by_user_id: PERSON.userId, members: [PERSON.userId], ended_at: daysAgo(5), custom: { crm: PERSON.custom } },
			{ type: 'default', id: 'ai-bystander', created_by_user_id: 'someone-else', members: ['someone-else'], ended_at: daysAgo(1) },
		] as never);
		bench.emulator.openai.plan([
			{ name: 'Find_calls', arguments: { userId: PERSON.userId } },
			{ name: 'Delete_call', arguments: { callId: 'ai-call-1' } },
		]);

		const { response, execution } = await askAgent(
			'ai-agent',
			[FIND_CALLS, DELETE_CALL],
			`Find the calls of Stream user ${PERSON.userId} and delete call ai-call-1.`,
		);
		expect(execution.status).toBe('success');
		expect(response.status).toBe(200);

		const requests = bench.emulator.openai.requests();
		// One request per turn: the Get Many call, the Delete call, the final answer.
		expect(requests).toHaveLength(3);
		expect(requests.every((request) => request.model === 'gpt-4o-mini')).toBe(true);

		// What the model is offered: both tools, by the names of their nodes, with the $fromAI parameters as JSON schema.
		const offered = Object.fromEntries(requests[0].tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(offered).sort()).toEqual(['Delete_call', 'Find_calls']);
		expect(offered.Delete_call.description).toMatch(/irreversible/i);
		expect(offered.Delete_call.parameters).toMatchObject({
			type: 'object',
			properties: { callId: { type: 'string', description: 'The ID of the call to delete, as Find calls returns it' } },
			required: ['callId'],
		});
		expect(offered.Find_calls.parameters).toMatchObject({ properties: { userId: { type: 'string' } }, required: ['userId'] });
		// The model is offered no credential, Delete Mode or Dry Run: only what a $fromAI expression hands it.
		expect(Object.keys(offered.Delete_call.parameters.properties as IDataObject)).toEqual(['callId']);
		process.stdout.write(
			`[ai-agent ${N8N_VERSION}] offered tools: ${requests[0].tools.map((tool) => `${tool.name}: "${tool.description}"`).join('; ')}\n`,
		);

		// The $fromAI parameters arrived: Get Many asked for the person's calls, the delete went to the planned call only.
		const streamLog = bench.emulator.log.entries({ provider: 'stream' });
		const queries = streamLog.filter((entry) => entry.path.endsWith('/video/calls'));
		expect(queries.length).toBeGreaterThan(0);
		expect(JSON.stringify(queries[0].body)).toContain(PERSON.userId);
		const deletes = streamLog.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/delete'));
		expect(deletes.map((entry) => [entry.path, entry.status])).toEqual([['/stream/api/v2/video/call/default/ai-call-1/delete', 201]]);
		expect(streamCall('ai-call-1')?.deleted).toBeTruthy();
		expect(streamCall('ai-call-2')?.deleted).toBeFalsy();
		expect(streamCall('ai-bystander')?.deleted).toBeFalsy();

		// The agent got each tool's output as the tool result.
		const results = toolResults(requests[2]);
		expect(results.map((result) => result.tool)).toEqual(['Find_calls', 'Delete_call']);
		const [found, deleted] = results;
		// The delete's audit record went back to the model.
		expect(deleted.content).toContain('"deleted":true');
		expect(deleted.content).toContain('"outcome":"deleted"');
		expect(deleted.content).toContain('"callId":"ai-call-1"');
		// Simplify keeps what the model sees small: identifiers, times and counts, no names or custom data.
		expect(found.content).toContain('ai-call-1');
		expect(found.content).toContain('ai-call-2');
		expect(found.content).not.toContain('ai-bystander');
		for (const personal of [PERSON.name, PERSON.custom, 'agent-7']) expect(found.content).not.toContain(personal);
		const bytesPerCall = Buffer.byteLength(found.content) / 2;
		expect(bytesPerCall).toBeLessThan(600);
		process.stdout.write(
			`[ai-agent ${N8N_VERSION}] Get Many tool result: ${Buffer.byteLength(found.content)} bytes for 2 calls; delete tool result (${Buffer.byteLength(deleted.content)} bytes): ${deleted.content}\n`,
		);

		// The final answer quotes the audit record, and it is what the workflow answers.
		expect(JSON.stringify(response.body)).toContain('deleted');
		expect((response.body as IDataObject).output).toEqual(expect.stringContaining('"outcome":"deleted"'));
	});

	test('streaming: with the webhook streaming its answer, the agent streams, the model answers in server-sent events, and the delete still runs once', async () => {
		bench.emulator.stream.seedCalls([{ type: 'default', id: 'ai-stream-1', ended_at: daysAgo(2) }] as never);
		bench.emulator.openai.plan([{ name: 'Delete_call', arguments: { callId: 'ai-stream-1' } }]);
		const { response, execution } = await askAgent('ai-agent-stream', [DELETE_CALL], 'Delete call ai-stream-1.', { streaming: true });
		expect(execution.status).toBe('success');
		expect(response.status).toBe(200);

		const requests = bench.emulator.openai.requests();
		expect(requests.map((request) => request.stream)).toEqual([true, true]);
		expect(toolResults(requests[1]).map((result) => result.tool)).toEqual(['Delete_call']);
		expect(toolResults(requests[1])[0].content).toContain('"outcome":"deleted"');
		const deletes = bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.endsWith('/delete'));
		expect(deletes.map((entry) => entry.path)).toEqual(['/stream/api/v2/video/call/default/ai-stream-1/delete']);
		// n8n streams the agent's answer to the caller as JSON lines; the final answer quotes the audit record.
		const streamed = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
		const content = streamed
			.split('\n')
			.filter((line) => line.trim().startsWith('{'))
			.map((line) => JSON.parse(line) as IDataObject)
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => String(chunk.content))
			.join('');
		expect(content).toContain('"outcome":"deleted"');
	});
});

/**
 * Human review for tool calls (AI Agent 3.x in n8n 2.x): a node with a send-and-wait operation becomes a `…HitlTool`
 * gate, and a tool wired into it runs only after approval. n8n 1.123 has no such gate (no `…HitlTool` node types), so
 * this part runs on 2.x only.
 */
const humanReview = N8N_MAJOR >= 2 ? describe : describe.skip;
const humanReviewTitle =
	N8N_MAJOR >= 2
		? `examples/ai-agent-erasure.json: the delete waits for human review (n8n ${N8N_VERSION})`
		: `examples/ai-agent-erasure.json: skipped on n8n ${N8N_VERSION}, which has no human review for tools (no …HitlTool node types, AI Agent 3 only)`;
humanReview(humanReviewTitle, () => {
	test('the model asks for the gated delete, the execution waits for the reviewer and no delete reaches Stream; once approved, the delete runs and its audit record goes back', async () => {
		const { stream } = bench.emulator;
		stream.seedUsers([{ id: PERSON.userId, name: PERSON.name, custom: { note: PERSON.custom } }] as never);
		stream.seedCalls([{ type: 'default', id: 'hitl-call-1', created_by_user_id: PERSON.userId, members: [PERSON.userId], ended_at: daysAgo(2) }] as never);
		bench.emulator.openai.plan([
			{ name: 'Find_calls', arguments: { userId: PERSON.userId } },
			// Behind the gate, n8n offers the tool with its own parameters under toolParameters (and the gate's under hitlParameters).
			{ name: 'Delete_call', arguments: { toolParameters: { callId: 'hitl-call-1' }, hitlParameters: {} } },
		]);

		// The example as shipped, its credentials pointed at the bench's; the chat's login is known to this test.
		const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'ai-agent-erasure.json'), 'utf8')) as {
			name: string;
			nodes: Array<IDataObject & { credentials?: Record<string, IDataObject> }>;
			connections: IDataObject;
			settings: IDataObject;
		};
		const login = { user: 'reviewer', password: `pw-${Date.now()}` };
		const ids: Record<string, string> = {
			streamVideoApi: bench.credentials.stream.id,
			openAiApi: openAiCredentialId,
			httpBasicAuth: await bench.n8n.createCredential('Erasure chat login (test)', 'httpBasicAuth', login),
		};
		for (const node of workflow.nodes)
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				expect(ids[type]).toBeDefined();
				reference.id = ids[type];
			}
		const trigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger');
		const workflowId = await bench.n8n.createWorkflow(workflow as unknown as IDataObject);
		await bench.n8n.activate(workflowId);
		let executionId: string;
		let approveLink: string | undefined;
		try {
			const started = (await postWebhook(
				bench.n8n.baseUrl,
				`${String(trigger?.webhookId)}/chat`,
				{ action: 'sendMessage', sessionId: `session-${Date.now()}`, chatInput: `Erase the calls of Stream user ${PERSON.userId}.` },
				{ authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}` },
			)) as { status: number; body: IDataObject };
			expect(started.status).toBe(200);
			expect(started.body).toMatchObject({ executionStarted: true });
			executionId = String(started.body.executionId);

			const execution = await until(
				() => bench.n8n.api('GET', `/executions/${executionId}?includeData=true`),
				(value) => ['waiting', 'success', 'error', 'crashed', 'canceled'].includes(String(value.status)),
				`execution ${executionId} to wait or end`,
			);
			expect(execution.status).toBe('waiting');
			const runData = ((execution.data as IDataObject)?.resultData as IDataObject)?.runData as IDataObject;
			expect(Object.keys(runData)).toEqual(expect.arrayContaining(['Find calls', 'Human review']));
			expect(Object.keys(runData)).not.toContain('Delete call');
			// What the reviewer reads in the chat, and the link its Approve button follows.
			const sent = ((runData['Human review'] as IDataObject[])[0].data as { ai_tool: Array<Array<{ sendMessage: IDataObject }>> }).ai_tool[0][0]
				.sendMessage as { text: string; buttons: Array<{ text: string; link: string }> };
			expect(sent.text).toContain('irreversible');
			expect(sent.text).toContain('"callId":"hitl-call-1"');
			approveLink = sent.buttons.find((button) => button.text === 'Approve')?.link;
		} finally {
			await bench.n8n.deactivate(workflowId);
		}

		const requests = bench.emulator.openai.requests();
		// The model asked twice (find, then the gated delete) and is not asked again until the reviewer answers.
		expect(requests).toHaveLength(2);
		const gated = requests[1].tools.find((tool) => tool.name === 'Delete_call');
		expect(gated?.description).toMatch(/irreversible/i);
		expect(gated?.parameters).toMatchObject({ properties: { toolParameters: { properties: { callId: { type: 'string' } } } } });
		process.stdout.write(`[ai-agent ${N8N_VERSION}] gated tool offered: ${JSON.stringify(gated)}\n`);

		// Nothing was deleted: Stream saw the search, not a delete.
		const streamLog = bench.emulator.log.entries({ provider: 'stream' });
		expect(streamLog.some((entry) => entry.path.endsWith('/video/calls'))).toBe(true);
		expect(streamLog.filter((entry) => entry.path.endsWith('/delete'))).toEqual([]);
		expect(streamCall('hitl-call-1')?.deleted).toBeFalsy();

		// The reviewer approves: the delete runs once, and its audit record goes back to the model.
		expect(approveLink).toMatch(/\/webhook-waiting\/.*approved=true&signature=/);
		// As the reviewer's browser follows it: n8n answers a client it takes for a bot (link previews) with an empty page and records nothing.
		const approved = await request(String(approveLink), { method: 'GET', headers: { 'user-agent': BROWSER } });
		await approved.body.text();
		expect(approved.statusCode).toBe(200);
		const all = await until(
			async () => bench.emulator.openai.requests(),
			(value) => value.length >= 3,
			'the model to be asked again after the approval',
		);
		expect(all).toHaveLength(3);
		const deletes = bench.emulator.log.entries({ provider: 'stream' }).filter((entry) => entry.path.endsWith('/delete'));
		expect(deletes.map((entry) => [entry.path, entry.status])).toEqual([['/stream/api/v2/video/call/default/hitl-call-1/delete', 201]]);
		expect(streamCall('hitl-call-1')?.deleted).toBeTruthy();
		const deleted = toolResults(all[2]).find((result) => result.tool === 'Delete_call');
		expect(deleted?.content).toContain('"deleted":true');
		expect(deleted?.content).toContain('"deleteMode":"hard"');
		process.stdout.write(`[ai-agent ${N8N_VERSION}] after approval, Delete_call tool result: ${String(deleted?.content).slice(0, 600)}\n`);
	});
});
