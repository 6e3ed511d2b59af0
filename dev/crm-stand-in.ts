/**
 * A CRM that receives the erasure-completion example's callbacks on 127.0.0.1: it records every POST (when it came,
 * its headers, its body as sent and parsed) and answers the way a test asks: 200 by default, after `answerAfterMs`;
 * 503 to the next `refuseNext` callbacks; nothing at all (the response kept open, as a CRM slow to answer) to the next
 * callback of each request ID put in `holdOpen`.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

export interface CrmCallback {
	at: number;
	headers: IncomingHttpHeaders;
	/** The body exactly as it arrived. */
	text: string;
	body: { requestId: string; complete: boolean; dueBy: string; records: IDataObject[] };
}

export interface CrmStandIn {
	/** The callback URL to set in the completion workflow's Settings. */
	url: string;
	callbacks: CrmCallback[];
	/** How many of the next callbacks are refused with 503 (recorded all the same). */
	refuseNext: number;
	/** How long a callback that is taken waits for its 200. */
	answerAfterMs: number;
	/** Request IDs whose next callback gets no answer until `dropOpen()`. */
	holdOpen: Set<string>;
	callbacksFor(requestId: string): CrmCallback[];
	/** Ends the responses kept open, without an answer (their sender is gone, or the test is over). */
	dropOpen(): void;
	close(): Promise<void>;
}

export async function startCrmStandIn(): Promise<CrmStandIn> {
	const open: ServerResponse[] = [];
	const server = createServer((request, response) => {
		let text = '';
		request.on('data', (chunk) => (text += chunk));
		request.on('end', () => {
			const body = JSON.parse(text);
			crm.callbacks.push({ at: Date.now(), headers: request.headers, text, body });
			if (crm.holdOpen.delete(body.requestId)) {
				open.push(response);
				return;
			}
			if (crm.refuseNext > 0) {
				crm.refuseNext--;
				response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"try again later"}');
				return;
			}
			setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'), crm.answerAfterMs);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const crm: CrmStandIn = {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erasure-callbacks`,
		callbacks: [],
		refuseNext: 0,
		answerAfterMs: 0,
		holdOpen: new Set(),
		callbacksFor: (requestId) => crm.callbacks.filter((callback) => callback.body.requestId === requestId),
		dropOpen() {
			for (const response of open.splice(0)) response.destroy();
		},
		async close() {
			crm.dropOpen();
			await new Promise((resolve) => server.close(resolve));
		},
	};
	return crm;
}
