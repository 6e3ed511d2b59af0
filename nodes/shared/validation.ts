import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { secureUrlProblem, trimmedUrl } from '../../credentials/secureUrl';

export interface IdRule {
	label: string;
	/** The item field the value fills (callId, taskId, …): an invalid value is named there in the error item. */
	field: string;
	maxLength: number;
	pattern: RegExp;
	patternHint: string;
}

/**
 * Checks an identifier before it goes anywhere near a URL. Empty values are errors, never a request
 * to a collection path; values that are not strings (an expression returning an object) are errors too.
 */
export function requireId(node: INode, value: unknown, rule: IdRule, itemIndex: number): string {
	const invalid = (message: string, description?: string) => {
		const error = new NodeOperationError(node, message, { itemIndex, description });
		// The error item names what it was about, even when that value is unusable (`../x`, an object).
		const named = typeof value === 'string' ? truncate(value.trim()) : value === undefined || value === null ? null : String(value);
		error.context = { ...error.context, [rule.field]: named };
		return error;
	};
	if (typeof value !== 'string') {
		const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		throw invalid(
			`${rule.label} must be text, but the expression gave ${got}`,
			`Map a single text value into ${rule.label}, for example {{ $json.id }}, or convert it with String().`,
		);
	}
	const id = value.trim();
	if (id === '') {
		throw invalid(`${rule.label} is empty`, `Item ${itemIndex} has no ${rule.label}. Check the field or the expression that fills it.`);
	}
	if (id.length > rule.maxLength) {
		throw invalid(`${rule.label} is too long (${id.length} characters, at most ${rule.maxLength})`);
	}
	if (!rule.pattern.test(id)) {
		throw invalid(`${rule.label} "${truncate(id)}" contains characters that are not allowed`, rule.patternHint);
	}
	// "." and ".." pass encodeURIComponent unchanged and are path steps: …/calls/.. would address …/ itself.
	if (/^\.+$/.test(id)) {
		throw invalid(`${rule.label} "${truncate(id)}" is not allowed: an ID made only of dots would be read as a path step`, rule.patternHint);
	}
	return id;
}

function truncate(text: string): string {
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Credential base URLs carry secrets: https (http for loopback only), no user:pass, no query or fragment (see
 * credentials/secureUrl.ts, the same rule the credential tests and the Graph token request apply).
 */
export function requireBaseUrl(node: INode, value: unknown, label: string, itemIndex: number): string {
	const problem = secureUrlProblem(value, label);
	if (problem) throw new NodeOperationError(node, problem.message, { itemIndex, description: problem.description });
	return trimmedUrl(value as string);
}

/** Splits a comma- or newline-separated list, dropping blanks and duplicates, keeping order. */
export function parseIdList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/);
	return [...new Set(parts.map((part) => part.trim()).filter((part) => part !== ''))];
}

/** Encodes one path segment; ids are validated already, this is the second line of defence. */
export function pathSegment(value: string): string {
	return encodeURIComponent(value);
}
