/**
 * The fault matrix's plan, shared by the in-process and the real-n8n fault tests: faults are chosen by the
 * last two digits of a zero-padded item number, so each transient kind hits a known 4 in 100 items on its
 * first request and the permanent 400 hits 2 in 100.
 */
import type { IDataObject } from 'n8n-workflow';

export const padIndex = (index: number) => String(index).padStart(4, '0');

const TRANSIENT_FAULTS: Array<[string, IDataObject]> = [
	['0[1-4]', { type: 'status', status: 429, retryAfter: 1 }],
	['1[1-4]', { type: 'status', status: 503 }],
	['2[1-4]', { type: 'reset' }],
	['3[1-4]', { type: 'timeout' }],
	['4[1-4]', { type: 'malformed' }],
];
const PERMANENT_DIGITS = '5[12]';

export const isPermanentFault = (index: number) => new RegExp(`${PERMANENT_DIGITS}$`).test(padIndex(index));
export const isTransientFault = (index: number) => TRANSIENT_FAULTS.some(([digits]) => new RegExp(`${digits}$`).test(padIndex(index)));

/** The emulator fault rules for one provider; `pathFor` turns a digits pattern into that provider's path pattern. */
export function faultRules(provider: string, pathFor: (digits: string) => string): IDataObject[] {
	return [
		...TRANSIENT_FAULTS.map(([digits, fault]) => ({ provider, path: pathFor(digits), oncePerPath: true, ...fault })),
		{ provider, path: pathFor(PERMANENT_DIGITS), type: 'status', status: 400 },
	];
}
