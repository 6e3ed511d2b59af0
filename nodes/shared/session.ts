import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_TRANSPORT_OPTIONS } from './transport';
import type { TransportOptions } from './types';

/** Transport settings for this execution, from the operation's options collection. */
export function transportOptionsFrom(ctx: IExecuteFunctions, concurrency: number): TransportOptions {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
	return {
		concurrency,
		timeoutMs: number(options.requestTimeout, DEFAULT_TRANSPORT_OPTIONS.timeoutMs),
		maxAttempts: number(options.maxAttempts, DEFAULT_TRANSPORT_OPTIONS.maxAttempts),
		retryBudgetMs: DEFAULT_TRANSPORT_OPTIONS.retryBudgetMs,
	};
}
