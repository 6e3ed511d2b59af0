'use strict';
// A scripted OpenAI-compatible chat model: what n8n's OpenAI Chat Model node (Chat Completions API) talks to.
// Shapes follow the OpenAI API reference (platform.openai.com/docs/api-reference):
// - "Create chat completion" (CHAT): POST /v1/chat/completions, request {model, messages, tools, tool_choice, stream,
//   stream_options}; response {id: "chatcmpl-…", object: "chat.completion", created, model, choices: [{index, message:
//   {role: "assistant", content, refusal, tool_calls}, logprobs, finish_reason}], usage, system_fingerprint}.
// - "The chat completion chunk object" (CHUNK): with stream: true, server-sent events `data: {…chunk}` with object
//   "chat.completion.chunk" and `delta`s, the usage chunk (empty choices) when stream_options.include_usage, then
//   `data: [DONE]`.
// - Function calling guide (TOOLS): tools [{type: "function", function: {name, description, parameters (JSON Schema)}}];
//   the assistant answers tool_calls [{id: "call_…", type: "function", function: {name, arguments: "<JSON text>"}}] with
//   finish_reason "tool_calls"; the caller sends each result back as {role: "tool", tool_call_id, content}.
// - "List models" (MODELS): GET /v1/models → {object: "list", data: [{id, object: "model", created, owned_by}]}.
// - "Error codes" (ERRORS): 401 {error: {message, type: "invalid_request_error", param: null, code: "invalid_api_key"}},
//   404 model_not_found, 400 invalid_request_error.
//
// The script: `plan(toolCalls)` lists the tool calls the model makes, one per turn, in order. Each request is answered
// from the conversation it carries (stateless, so a retried request gets the same answer): while fewer assistant
// tool-call turns are in `messages` than planned, the next planned call; after that, a final answer that quotes the
// last tool result. A planned tool that the request does not offer gets a final answer saying so (no call).
const crypto = require('node:crypto');

const API_KEY = 'sk-sandbox-openai';
const MODELS = ['gpt-4o-mini', 'gpt-scripted'];

const openAiError = (message, type, code, param = null) => ({ error: { message, type, param, code } });

function createOpenAi() {
	let state;
	function reset() {
		state = { plan: [], requests: [], final: 'Done. The tool answered: ' };
	}
	reset();

	const id = (prefix) => `${prefix}${crypto.randomBytes(12).toString('base64url')}`;

	/** What the request offered and said, kept for the test: each tool's name, description and JSON-schema parameters. */
	function record(body) {
		state.requests.push({
			model: body.model,
			stream: body.stream === true,
			tools: (body.tools ?? []).map((tool) => ({
				type: tool.type,
				name: tool.function?.name,
				description: tool.function?.description,
				parameters: tool.function?.parameters,
			})),
			toolChoice: body.tool_choice,
			messages: body.messages,
		});
	}

	/** The next assistant message for this conversation (see the script above). */
	function nextMessage(body) {
		const messages = body.messages;
		const turns = messages.filter((message) => message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0).length;
		const planned = state.plan[turns];
		if (planned) {
			const offered = (body.tools ?? []).map((tool) => tool.function?.name);
			if (!offered.includes(planned.name)) {
				return { message: { role: 'assistant', content: `I was not offered a tool named ${planned.name}.`, refusal: null }, finish: 'stop' };
			}
			const call = { id: id('call_'), type: 'function', function: { name: planned.name, arguments: JSON.stringify(planned.arguments ?? {}) } };
			return { message: { role: 'assistant', content: null, refusal: null, tool_calls: [call] }, finish: 'tool_calls' };
		}
		const lastTool = [...messages].reverse().find((message) => message.role === 'tool');
		const quoted = lastTool ? contentText(lastTool.content) : '(no tool result)';
		return { message: { role: 'assistant', content: `${state.final}${quoted}`, refusal: null }, finish: 'stop' };
	}

	/** CHAT: a message's content is a string or an array of content parts ({type: "text", text}). */
	function contentText(content) {
		if (typeof content === 'string') return content;
		if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
		return '';
	}

	const usageOf = (body, message) => {
		const prompt_tokens = Math.ceil(JSON.stringify(body.messages).length / 4);
		const completion_tokens = Math.ceil(JSON.stringify(message).length / 4);
		return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
	};

	function handle(ctx) {
		const bearer = /^Bearer (.+)$/.exec(ctx.headers.authorization ?? '');
		if (!bearer || bearer[1] !== API_KEY) {
			return ctx.respond(
				401,
				openAiError(
					bearer ? 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.' : "You didn't provide an API key.",
					'invalid_request_error',
					bearer ? 'invalid_api_key' : null,
				),
			);
		}
		if (ctx.method === 'GET' && ctx.path === '/v1/models') {
			const created = 1_700_000_000;
			return ctx.respond(200, { object: 'list', data: MODELS.map((model) => ({ id: model, object: 'model', created, owned_by: 'system' })) });
		}
		if (ctx.path !== '/v1/chat/completions') {
			return ctx.respond(404, openAiError(`Invalid URL (${ctx.method} ${ctx.path})`, 'invalid_request_error', null));
		}
		if (ctx.method !== 'POST') return ctx.respond(405, openAiError(`Invalid method for URL (${ctx.method} ${ctx.path})`, 'invalid_request_error', null));
		const body = ctx.body;
		if (!body || body.__invalidJson || typeof body !== 'object') {
			return ctx.respond(400, openAiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
		}
		if (!Array.isArray(body.messages) || body.messages.length === 0) {
			return ctx.respond(400, openAiError("Missing required parameter: 'messages'.", 'invalid_request_error', 'missing_required_parameter', 'messages'));
		}
		if (!MODELS.includes(body.model)) {
			return ctx.respond(
				404,
				openAiError(`The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
			);
		}
		record(body);
		const { message, finish } = nextMessage(body);
		const completionId = id('chatcmpl-');
		const created = Math.floor(Date.now() / 1000);
		const usage = usageOf(body, message);
		if (body.stream !== true) {
			return ctx.respond(200, {
				id: completionId,
				object: 'chat.completion',
				created,
				model: body.model,
				choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
				usage,
				system_fingerprint: 'fp_scripted',
			});
		}
		// CHUNK: the role first, then the content or each tool call (name and id once, then its arguments), then the finish.
		const chunk = (choices, extra = {}) => ({ id: completionId, object: 'chat.completion.chunk', created, model: body.model, system_fingerprint: 'fp_scripted', choices, ...extra });
		// CHUNK: with stream_options.include_usage every chunk carries `usage: null`, and a last one with empty choices the usage.
		const withUsage = body.stream_options?.include_usage === true;
		const delta = (value, finishReason = null) =>
			chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finishReason }], withUsage ? { usage: null } : {});
		const events = [delta({ role: 'assistant', content: message.tool_calls ? null : '', refusal: null })];
		if (message.tool_calls) {
			message.tool_calls.forEach((call, index) => {
				events.push(delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
				events.push(delta({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
			});
		} else {
			events.push(delta({ content: message.content }));
		}
		events.push(delta({}, finish));
		if (withUsage) events.push(chunk([], { usage }));
		return ctx.respondStream(200, events.map((event) => `data: ${JSON.stringify(event)}\n\n`).concat('data: [DONE]\n\n'));
	}

	return {
		errorBody(status) {
			if (status === 429) return openAiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded');
			if (status >= 500) return openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null);
			return openAiError('Bad request', 'invalid_request_error', null);
		},
		handle,
		reset,
		controls: {
			/** The tool calls the model makes, in order: [{name, arguments}], `name` as n8n offers the tool (the node's name, "_" for spaces). */
			plan(toolCalls) {
				state.plan = (Array.isArray(toolCalls) ? toolCalls : [toolCalls]).map((call) => ({ name: call.name, arguments: call.arguments ?? {} }));
			},
			/** Every chat completion request received, oldest first (see record()). */
			requests() {
				return state.requests.map((request) => JSON.parse(JSON.stringify(request)));
			},
		},
	};
}

module.exports = { createOpenAi, OPENAI_API_KEY: API_KEY };
