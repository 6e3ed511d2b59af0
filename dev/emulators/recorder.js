'use strict';
// A second loopback origin that records everything it receives: where a redirect would take credentials.
const http = require('node:http');

/** Starts a server on 127.0.0.1 that answers 200 `{}` to anything and keeps each request's method, URL, headers and body. */
async function createRecorder() {
	const requests = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'content-type': 'application/json' });
			// What a host that got the credentials might answer: a delete that "worked".
			res.end('{"deleted":true,"data":{"deleted":true}}');
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		clear() {
			requests.length = 0;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

module.exports = { createRecorder };
