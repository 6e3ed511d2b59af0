/**
 * Throwaway PostgreSQL and Redis servers on loopback for the queue-mode test, from Debian's packages
 * (`.ci/run` installs them when missing). Each lives in a temp folder and is killed afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort } = require('../../dev/n8n-instance');

export interface Service {
	port: number;
	stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const bin = versions.map((version) => path.join(root, version, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'initdb')));
	if (!bin) throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (.ci/run does).');
	return bin;
}

/** initdb refuses to run as root, so as root the server runs as the postgres system user. */
function asServiceUser(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
	return () =>
		new Promise((resolve) => {
			const done = () => {
				cleanup();
				resolve();
			};
			if (child.exitCode !== null) return done();
			child.once('exit', done);
			try {
				process.kill(-(child.pid as number), 'SIGTERM');
			} catch {
				done();
			}
		});
}

export async function startPostgres(database: string): Promise<Service> {
	const bin = postgresBin();
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'call-deletion-pg-'));
	if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dataDir]);
	const port: number = await freePort();
	const [initCommand, initArgs] = asServiceUser(path.join(bin, 'initdb'), ['-D', dataDir, '--auth=trust', '-U', 'postgres']);
	execFileSync(initCommand, initArgs, { stdio: 'ignore' });
	const [command, args] = asServiceUser(path.join(bin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-k',
		dataDir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
	]);
	const child = spawn(command, args, { stdio: 'ignore', detached: true });
	const psql = (sql: string) =>
		execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', sql], { stdio: 'ignore' });
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			psql('select 1');
			break;
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${String(error)}`);
			await sleep(200);
		}
	}
	psql(`create database ${database}`);
	return { port, stop: stopper(child, () => fs.rmSync(dataDir, { recursive: true, force: true })) };
}

export async function startRedis(): Promise<Service> {
	const port: number = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
		detached: true,
	});
	const deadline = Date.now() + 15_000;
	for (;;) {
		try {
			execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
			break;
		} catch (error) {
			if (child.exitCode !== null) throw new Error('redis-server exited: install Debian\'s "redis-server" package (.ci/run does).');
			if (Date.now() > deadline) throw new Error(`Redis did not start: ${String(error)}`);
			await sleep(200);
		}
	}
	return { port, stop: stopper(child, () => undefined) };
}

/** What n8n main and every worker need for queue mode on these services: Bull on Redis, the database on PostgreSQL. */
export function queueEnvFor(postgres: Service, redis: Service, database = 'n8n'): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
	};
}
