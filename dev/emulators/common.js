'use strict';
// Small shared pieces of the emulators: JSON answers, body parsing and ids.
const crypto = require('node:crypto');

function send(res, status, body, headers = {}) {
	if (res.destroyed || res.writableEnded) return;
	const text = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, {
		...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
		...headers,
	});
	res.end(text);
}

/** The request body: parsed JSON or form, `undefined` when empty, `{ invalid: true }` when unparsable. */
function parseBody(raw, contentType = '') {
	if (!raw || raw.length === 0) return undefined;
	const text = raw.toString('utf8');
	if (contentType.includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(text));
	}
	try {
		return JSON.parse(text);
	} catch {
		return { __invalidJson: true };
	}
}

const uuid = () => crypto.randomUUID();

module.exports = { send, parseBody, uuid };
