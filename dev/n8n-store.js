'use strict';
// What a stopped n8n keeps in its user folder: every row of every table of its SQLite database, and every other
// file it wrote (event log, binary data, config). Used to prove that an erasure run left no copy of the person's data.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { ensureRuntime } = require('./n8n-runtime');

// Runs under the runtime's Node 24, whose built-in node:sqlite reads the database without a native module.
const DUMP_TABLES = `
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(process.argv[1], { readOnly: true });
const text = (value) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value);
const tables = {};
for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
	tables[name] = db.prepare('SELECT * FROM "' + name.replace(/"/g, '""') + '"').all().map((row) =>
		Object.fromEntries(Object.entries(row).map(([key, value]) => [key, text(value)])),
	);
}
process.stdout.write(JSON.stringify(tables));
`;

const DATABASE_FILES = /^database\.sqlite(-wal|-shm|-journal)?$/;

/** Every file under dir, as paths relative to it, leaving out the installed community packages. */
function filesUnder(dir, base = dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return full === path.join(base, 'nodes') ? [] : filesUnder(full, base);
		return [path.relative(base, full)];
	});
}

/**
 * Reads a STOPPED n8n's store.
 * @returns {{ tables: Record<string, object[]>, files: Record<string, string>, rawDatabase: Buffer }}
 *   tables: every row of every table; files: every other file n8n wrote under .n8n; rawDatabase: the database
 *   file's bytes, free pages included (deleted rows stay there until SQLite reuses or vacuums them).
 */
function readN8nStore(userFolder) {
	const n8nFolder = path.join(userFolder, '.n8n');
	const database = path.join(n8nFolder, 'database.sqlite');
	const out = execFileSync(ensureRuntime().nodeBin, ['--no-warnings', '-e', DUMP_TABLES, database], {
		encoding: 'utf8',
		maxBuffer: 512 * 1024 * 1024,
	});
	const files = {};
	const raw = [];
	for (const file of filesUnder(n8nFolder)) {
		const content = fs.readFileSync(path.join(n8nFolder, file));
		if (DATABASE_FILES.test(path.basename(file))) raw.push(content);
		else files[file] = content.toString('utf8');
	}
	return { tables: JSON.parse(out), files, rawDatabase: Buffer.concat(raw) };
}

/** How often each marker occurs in a text. */
function countMarkers(text, markers) {
	return Object.fromEntries(markers.map((marker) => [marker, text.split(marker).length - 1]));
}

/**
 * Where each marker is in a stopped n8n's store and logs: per table, per file, in the logs, and in the raw
 * database file. A total of 0 over tables, files and logs is what "n8n keeps no copy" can honestly claim.
 */
function scanN8nStore(store, logs, markers) {
	const hits = [];
	for (const [table, rows] of Object.entries(store.tables)) {
		for (const [marker, count] of Object.entries(countMarkers(JSON.stringify(rows), markers))) {
			if (count > 0) hits.push({ where: `table ${table}`, marker, count });
		}
	}
	for (const [file, content] of Object.entries(store.files)) {
		for (const [marker, count] of Object.entries(countMarkers(content, markers))) {
			if (count > 0) hits.push({ where: `file .n8n/${file}`, marker, count });
		}
	}
	for (const [marker, count] of Object.entries(countMarkers(logs, markers))) {
		if (count > 0) hits.push({ where: 'n8n log output', marker, count });
	}
	const rawDatabase = countMarkers(store.rawDatabase.toString('latin1'), markers);
	return { hits, total: hits.reduce((sum, hit) => sum + hit.count, 0), rawDatabase, tables: Object.keys(store.tables).length };
}

module.exports = { readN8nStore, scanN8nStore };
