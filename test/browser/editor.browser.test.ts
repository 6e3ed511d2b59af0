/**
 * The package as a user meets it: a REAL n8n 2.41.1 editor in headless Chromium, with the packed package
 * installed and the emulators behind its credentials. It proves that a user can sign in, find every node in
 * the node panel by name and by alias, drop "Delete a call" on a canvas and open the Stream Video credential
 * form, and run an imported example from the editor and read the result in the node's output panel.
 * A screenshot of every step lands in test-artifacts/browser/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, selectors, type Browser, type Locator, type Page } from 'playwright-core';

import { bootRealN8n, type RealN8n } from '../../dev/real-n8n';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { importExamples } = require('../../dev/examples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OWNER } = require('../../dev/n8n-instance');

jest.setTimeout(300_000);

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/browser');
const ERASURE_COMPLETE = 'Mark a GDPR erasure complete when Stream finishes the hard delete';

let bench: RealN8n;
let browser: Browser;
let page: Page;
let shots = 0;

beforeAll(async () => {
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	bench = await bootRealN8n();
	const idByType = Object.fromEntries(Object.values(bench.credentials).map((credential) => [credential.type, credential.id]));
	await importExamples(bench.n8n, idByType);
	// n8n's editor marks its elements with data-test-id, not Playwright's default data-testid.
	selectors.setTestIdAttribute('data-test-id');
	browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(30_000);
});

afterAll(async () => {
	await browser?.close();
	await bench?.close();
});

/** Saves a numbered full-window screenshot, e.g. test-artifacts/browser/03-search-hang-up.png. */
async function shot(name: string): Promise<void> {
	// Let fades and slide-ins finish so the picture shows the settled page (spinners may never settle).
	await page
		.waitForFunction('document.getAnimations().every((animation) => animation.playState !== "running")', null, { timeout: 2_000 })
		.catch(() => undefined);
	const file = `${String(++shots).padStart(2, '0')}-${name}.png`;
	await page.screenshot({ path: path.join(ARTIFACTS, file) });
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
const itemNamed = (name: string) => page.getByTestId('node-creator-item-name').filter({ hasText: exactly(name) });
const workflowCard = (name: string) => page.getByTestId('workflow-card-name').filter({ hasText: exactly(name) });
const canvasNode = (name: string) => page.getByTestId('canvas-node').filter({ hasText: name });

const text = (locator: Locator) => async () => (await locator.innerText()).trim();
const value = (locator: Locator) => async () => await locator.inputValue();
const attribute = (locator: Locator, name: string) => async () => await locator.getAttribute(name);
const contains = (part: string) => (value: string) => value.includes(part);

const listedNames = async () => (await page.getByTestId('node-creator-item-name').allInnerTexts()).map((name) => name.trim());

/**
 * Polls `read` until `accept` holds for its value, and returns that value. The one way this file checks page state:
 * the editor fills most of it in asynchronously (counts, labels, panels), so no assertion reads it only once.
 */
async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (accept(value)) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last saw ${JSON.stringify(value)}`);
		await page.waitForTimeout(200);
	}
}

/**
 * Types into the node panel's search bar and returns the names it lists. The search is cleared first and the
 * previous results waited out, so a stale list from the last query can never satisfy this one.
 */
async function searchNodePanel(query: string, expected: string[]): Promise<string[]> {
	const search = page.getByTestId('node-creator-search-bar');
	await search.fill('');
	await until(listedNames, (names) => !expected.some((name) => names.includes(name)), 'the cleared node panel');
	await search.fill(query);
	const names = await until(listedNames, (listed) => expected.every((name) => listed.includes(name)), `results for "${query}"`);
	await shot(`search-${slug(query)}`);
	return names;
}

test('the owner signs in through the sign-in page', async () => {
	await page.goto(`${bench.n8n.baseUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(OWNER.email);
	await page.locator('input[name="password"]').fill(OWNER.password);
	await shot('sign-in');
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	// Onboarding or survey pop-ups would cover the page; none is expected, but close any that shows.
	if (await page.locator('.el-overlay:visible').count()) await page.keyboard.press('Escape');
	await workflowCard(ERASURE_COMPLETE).waitFor();
	await shot('signed-in-overview');
});

test('the node panel finds every node by its display name and by its aliases', async () => {
	await page.getByRole('button', { name: 'Create workflow' }).first().click();
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').waitFor();

	expect(await searchNodePanel('Stream Video', ['Stream Video'])).toContain('Stream Video');
	expect(await searchNodePanel('Microsoft Graph Calls', ['Microsoft Graph Calls'])).toContain('Microsoft Graph Calls');
	expect(await searchNodePanel('HuskyVoice', ['HuskyVoice'])).toContain('HuskyVoice');
	// n8n lists a trigger under its app's entry: "Stream Video Trigger" is found as "Stream Video".
	expect(await searchNodePanel('Stream Video Trigger', ['Stream Video'])).toContain('Stream Video');

	// Someone handling an erasure request types what they have to do, not a vendor's name.
	expect(await searchNodePanel('GDPR', ['Stream Video', 'Microsoft Graph Calls', 'HuskyVoice'])).toEqual(
		expect.arrayContaining(['Stream Video', 'Microsoft Graph Calls', 'HuskyVoice']),
	);
	expect(await searchNodePanel('erase', ['Stream Video', 'HuskyVoice'])).toEqual(expect.arrayContaining(['Stream Video', 'HuskyVoice']));
	expect(await searchNodePanel('hang up', ['Microsoft Graph Calls'])).toEqual(['Microsoft Graph Calls']);
	expect(await searchNodePanel('hard delete', ['Stream Video'])).toContain('Stream Video');
	expect(await searchNodePanel('voice agent', ['HuskyVoice'])).toContain('HuskyVoice');
	// The trigger's job, in the words of someone closing an erasure request.
	expect(await searchNodePanel('erasure complete', ['Stream Video'])).toContain('Stream Video');
});

test('"Delete a call" goes on the canvas and its credential form asks for the API key and secret', async () => {
	await searchNodePanel('Stream Video Trigger', ['Stream Video']);
	await itemNamed('Stream Video').click();
	// The app's page offers the trigger and the actions of both nodes.
	await itemNamed('On hard delete finished').waitFor();
	const deleteCall = itemNamed('Delete a call (irreversible)');
	const actions = page.getByTestId('node-creator-category-item').filter({ hasText: 'Actions' });
	// The actions are listed open, or under a closed "Actions" heading: wait for one of the two, open it when closed.
	const shown = await until(
		async () => ((await deleteCall.isVisible()) ? 'item' : (await actions.isVisible()) ? 'heading' : ''),
		Boolean,
		'the "Delete a call" item or the "Actions" heading',
	);
	if (shown === 'heading') await actions.click();
	await deleteCall.waitFor();
	for (const action of ['Get a call', 'Get many calls', 'Get a task']) await itemNamed(action).waitFor();
	await shot('stream-video-trigger-and-actions');

	await deleteCall.click();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor();
	await until(text(ndv.getByTestId('node-title-container')), contains('Delete a call'), 'the node title');
	// The one Stream credential that exists is picked for the user.
	const credentialSelect = ndv.getByTestId('node-credentials-select');
	await until(value(credentialSelect.locator('input')), (name) => name === bench.credentials.stream.name, 'the picked credential');
	await ndv.getByTestId('collection-parameter-add').waitFor();
	await shot('delete-a-call-parameters');

	await credentialSelect.click();
	const existing = page.locator(`[data-test-id="node-credentials-select-item-${bench.credentials.stream.id}"]`);
	await existing.waitFor();
	await until(text(existing), contains('Stream Video API'), 'the credential type in the dropdown');
	await shot('credential-dropdown');
	await page.getByTestId('node-credentials-select-item-new').click();

	const form = page.getByTestId('editCredential-modal');
	await form.waitFor();
	await until(text(form), contains('Stream Video API'), 'the credential form title');
	const apiKey = form.getByTestId('parameter-input-apiKey').locator('input');
	const apiSecret = form.getByTestId('parameter-input-apiSecret').locator('input');
	await until(text(form.getByTestId('apiKey')), contains('API Key'), 'the API Key label');
	await until(text(form.getByTestId('apiSecret')), contains('API Secret'), 'the API Secret label');
	// Both are secrets: masked while typed.
	await until(attribute(apiKey, 'type'), (type) => type === 'password', 'a masked API key');
	await until(attribute(apiSecret, 'type'), (type) => type === 'password', 'a masked API secret');
	const baseUrl = form.getByTestId('parameter-input-baseUrl').locator('input');
	await until(value(baseUrl), (url) => url === 'https://video.stream-io-api.com', 'the default base URL');
	await shot('stream-video-credential-form');

	await form.getByRole('button', { name: 'Close this dialog' }).click();
	await form.waitFor({ state: 'hidden' });
	await page.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
	// Adding an action first gives the workflow a manual trigger in front of it.
	await canvasNode('Delete a call').waitFor();
	await canvasNode('When clicking').waitFor();
	await shot('delete-a-call-on-canvas');
});

test('the "erasure complete" example runs from the editor and shows its output', async () => {
	bench.emulator.stream.seedTasks([
		{ taskId: 'task-demo-completed', status: 'completed' },
		{ taskId: 'task-demo-failed', status: 'failed' },
	] as never);

	// Leave the scratch workflow unsaved and open the example from the overview, as a user would.
	await page.getByTestId('project-home-menu-item').click();
	const leave = page.getByRole('button', { name: 'Leave without saving' });
	await leave.or(workflowCard(ERASURE_COMPLETE)).first().waitFor();
	if (await leave.isVisible()) await leave.click();
	await workflowCard(ERASURE_COMPLETE).click();
	await canvasNode('Mark erasure complete').waitFor();
	await shot('erasure-complete-example');

	await page.getByTestId('execute-workflow-button').click();
	await page.getByText('Workflow executed successfully').first().waitFor();
	for (const name of ['Stream Video Trigger', 'Erasure finished?', 'Mark erasure complete', 'Flag for follow-up']) {
		await canvasNode(name).getByTestId('canvas-node-status-success').waitFor();
	}
	// Two finished tasks come in; the completed one is marked complete, the failed one flagged.
	// The canvas fills in edge labels a moment after the node statuses turn green.
	const edgeLabels = await until(
		async () => (await page.getByTestId('edge-label').allInnerTexts()).map((label) => label.trim()).sort(),
		(labels) => labels.length === 3 && labels.every(Boolean),
		'edge labels with item counts',
	);
	expect(edgeLabels).toEqual(['1 item', '1 item', '2 items']);
	await until(text(canvasNode('Mark erasure complete')), contains('1 item'), 'the item count on "Mark erasure complete"');
	await until(text(canvasNode('Flag for follow-up')), contains('1 item'), 'the item count on "Flag for follow-up"');
	await shot('erasure-complete-executed');

	const ndv = page.getByTestId('ndv');
	await canvasNode('Mark erasure complete').dblclick();
	const output = ndv.getByTestId('output-panel');
	await output.getByText('task-demo-completed').waitFor();
	await until(text(output.getByTestId('run-data-item-count')), (count) => count === '1 item', 'the output item count');
	// The table row: taskId, erasureStatus, erasedAt (the time Stream finished the task).
	const marked = await until(
		text(output.getByTestId('ndv-data-container')),
		(table) => /taskId\s+erasureStatus\s+erasedAt/.test(table) && /task-demo-completed\s+complete\s+\d{4}-\d\d-\d\dT/.test(table),
		'the "Mark erasure complete" output table',
	);
	expect(marked).not.toContain('task-demo-failed');
	await shot('mark-erasure-complete-output');
	await page.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });

	await canvasNode('Flag for follow-up').dblclick();
	await output.getByText('task-demo-failed').waitFor();
	const flagged = await until(
		text(output.getByTestId('ndv-data-container')),
		(table) => /task-demo-failed\s+failed/.test(table),
		'the "Flag for follow-up" output table',
	);
	expect(flagged).not.toContain('task-demo-completed');
	await shot('flag-for-follow-up-output');
	await page.getByTestId('ndv-close-button').click();
});
