#!/usr/bin/env node
// Verifies erasure receipts without n8n: every signature, the pinned alg/typ/kid, that each payload is canonical
// and that each shown record is the signed one, and that every run (batch) is complete and adds up to its head.
//
//   node scripts/verify-receipts.mjs --key receipt-public.pem [--key old-public.pem …] <export>
//
// <export> is any of: a JSON array of items (as n8n or a CRM stored them, `{json: …}` or plain), an n8n execution
// as its public API returns it with includeData=true, or a CSV (a data table export) with a `receipt` column.
// Prints one line per run and every problem; exits 1 on any problem, 2 when the input cannot be read.
// Needs the built package (npm ci && npm run build); only node:crypto does the cryptography.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'nodes', 'shared', 'receipts', 'verify.js');

function fail(message) {
	console.error(message);
	process.exit(2);
}

const args = process.argv.slice(2);
const keyFiles = [];
const inputs = [];
for (let index = 0; index < args.length; index++) {
	if (args[index] === '--key') keyFiles.push(args[++index]);
	else inputs.push(args[index]);
}
if (keyFiles.length === 0 || inputs.length !== 1) fail('usage: verify-receipts --key <public.pem> [--key <older.pem> …] <export.json|export.csv>');
if (!existsSync(built)) fail('The verifier is not built yet: run "npm ci && npm run build" in the repository first.');

const { verifyingKeysFrom, verifyReceipts } = await import(built);
const keys = verifyingKeysFrom(keyFiles.map((file) => readFileSync(file, 'utf8')).join('\n'));
if (keys.length === 0) fail('No Ed25519 public key (-----BEGIN PUBLIC KEY-----) in the key file(s).');

const text = readFileSync(inputs[0], 'utf8');
const { items, comparison } = inputs[0].toLowerCase().endsWith('.csv') ? { items: csvRows(text), comparison: 'columns' } : { items: jsonItems(text), comparison: 'exact' };
if (items.length === 0) fail('No items found in the export.');

const report = verifyReceipts(items, keys, comparison);
console.log(`${items.length} item(s), ${report.batches.length} run(s); keys: ${keys.map((key) => key.kid).join(', ')}`);
for (const batch of report.batches) {
	const where = `run ${batch.batch} (node ${JSON.stringify(batch.node ?? '?')}, execution ${batch.execution ?? 'none'}, ${batch.size} item(s), issued ${batch.issuedAt ?? '?'})`;
	console.log(batch.problems.length === 0 ? `OK   ${where}: complete, tree root matches the signed head` : `FAIL ${where}: ${batch.problems.join('; ')}`);
}
for (const item of report.items) {
	const where = item.batch ? `run ${item.batch} seq ${item.seq}` : 'no run';
	for (const problem of item.problems) console.log(`FAIL item ${item.index} (${where}): ${problem}`);
	if (item.unsignedFields) console.log(`note item ${item.index} (${where}): not signed, added beside the error item: ${item.unsignedFields.join(', ')}`);
}
console.log(report.ok ? 'All receipts verify.' : 'Verification FAILED.');
process.exit(report.ok ? 0 : 1);

/** Items from a JSON export: an array, or every item of every node in an n8n execution. */
function jsonItems(source) {
	let data;
	try {
		data = JSON.parse(source);
	} catch (error) {
		fail(`The export is not JSON: ${error.message}`);
	}
	const unwrap = (item) => (item && typeof item === 'object' && item.json && typeof item.json === 'object' ? item.json : item);
	if (Array.isArray(data)) return data.map(unwrap);
	const runData = data?.data?.resultData?.runData ?? data?.resultData?.runData;
	if (!runData) fail('Expected a JSON array of items or an n8n execution (data.resultData.runData).');
	const items = [];
	for (const runs of Object.values(runData)) {
		for (const run of runs ?? []) {
			for (const output of run?.data?.main ?? []) for (const item of output ?? []) if (hasReceipt(item?.json)) items.push(item.json);
		}
	}
	return items;
}

function hasReceipt(json) {
	return Boolean(json && (json.receipt || json.details?.receipt));
}

/** RFC 4180 CSV: a header row, quoted fields with "" for a quote, CRLF or LF line ends. */
function csvRows(source) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	for (let index = 0; index < source.length; index++) {
		const char = source[index];
		if (quoted) {
			if (char === '"' && source[index + 1] === '"') (field += '"'), index++;
			else if (char === '"') quoted = false;
			else field += char;
		} else if (char === '"') quoted = true;
		else if (char === ',') row.push(field), (field = '');
		else if (char === '\n' || char === '\r') {
			if (char === '\r' && source[index + 1] === '\n') index++;
			row.push(field), rows.push(row), (row = []), (field = '');
		} else field += char;
	}
	if (field !== '' || row.length > 0) row.push(field), rows.push(row);
	const [header, ...body] = rows.filter((cells) => cells.some((cell) => cell !== ''));
	if (!header?.includes('receipt')) fail('The CSV has no "receipt" column.');
	return body.map((cells) => Object.fromEntries(header.map((name, column) => [name, cells[column] ?? ''])));
}
