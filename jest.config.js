/** Three layers: unit (pure logic), integration (real workflows in n8n-core against the emulators),
 *  e2e (the packed package inside a real n8n 2.41.1). */
module.exports = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.js'],
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	testTimeout: 60000,
};
