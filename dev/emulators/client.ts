/** The emulators as tests and tools see them: typed handles, the sandbox secrets, and a start on a free port. */
import type { IDataObject } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createEmulatorServer, emulatorCredentials, SANDBOX } = require('./server');

export interface Emulator {
	url: string;
	streamBaseUrl: string;
	graphUrl: string;
	authorityUrl: string;
	huskyBaseUrl: string;
	/** The scripted OpenAI-compatible chat model's base URL (ends in /v1, as the openAiApi credential's Base URL). */
	openAiBaseUrl: string;
	close(): Promise<void>;
	/** No calls, tasks, faults or log; started by startEmulator() it never seeds the sandbox data, `seed: true` does. */
	reset(options?: { seed?: boolean }): void;
	/** Settings for all providers, such as `latencyMs: { stream: 100 }` added to every answer. */
	configure(config: IDataObject): void;
	stream: IDataObject & Record<string, (...args: never[]) => unknown>;
	graph: IDataObject & Record<string, (...args: never[]) => unknown>;
	husky: IDataObject & Record<string, (...args: never[]) => unknown>;
	openai: {
		plan(toolCalls: Array<{ name: string; arguments: IDataObject }>): void;
		requests(): ChatCompletionRequest[];
	};
	faults: { add(rule: IDataObject | IDataObject[]): void; clear(): void };
	log: { entries(filter?: IDataObject): LogEntry[]; clear(): void };
	stats(): IDataObject;
}

export interface LogEntry {
	provider: string;
	method: string;
	path: string;
	query: IDataObject;
	headers: Record<string, string>;
	body: unknown;
	status: number | string;
	fault?: string;
}

/** A chat completion request as the scripted model recorded it. */
export interface ChatCompletionRequest {
	model: string;
	stream: boolean;
	tools: Array<{ type: string; name: string; description: string; parameters: IDataObject }>;
	toolChoice: unknown;
	messages: Array<{ role: string; content: unknown; tool_calls?: IDataObject[]; tool_call_id?: string }>;
}

export const sandbox = SANDBOX as {
	stream: { apiKey: string; apiSecret: string };
	graph: { tenantId: string; clientId: string; clientSecret: string };
	husky: { apiKey: string; webhookToken: string };
	openai: { apiKey: string };
};

export async function startEmulator(): Promise<Emulator> {
	return (await createEmulatorServer({ port: 0, seedSandbox: false })) as Emulator;
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

export type CredentialType = 'streamVideoApi' | 'microsoftGraphCallsApi' | 'huskyVoiceApi' | 'huskyVoiceWebhookApi' | 'openAiApi';

/** The data of each credential type, pointing at this emulator with the sandbox secrets. */
export const credentialData = (emulator: Emulator) => emulatorCredentials(emulator) as Record<CredentialType, Record<string, string>>;
