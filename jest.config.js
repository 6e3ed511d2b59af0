/** Three layers run by `npm test`: unit (pure logic), integration (real workflows in n8n-core against
 *  the emulators), e2e (the packed package inside a real n8n 2.41.1). Queue mode and the browser test
 *  need system packages (PostgreSQL, Redis, Chromium) and run as `npm run test:queue` / `test:browser`. */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.js'],
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/queue/', '<rootDir>/test/browser/'],
	testTimeout: 60000,
};
