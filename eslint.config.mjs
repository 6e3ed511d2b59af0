// n8n's community rule set (the same one `n8n-node lint` and the verification scanner apply) for the
// shipped code: nodes/, credentials/ and package.json. Tests, scripts and emulators are not shipped and
// use Node globals freely, so they are outside this config.
import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

export default [globalIgnores(['test/**', 'scripts/**', 'examples/**', '*.js', '*.mjs']), ...config];
