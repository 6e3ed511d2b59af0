// n8n's community rule set (the same one `n8n-node lint` and the verification scanner apply) for the
// shipped code: nodes/, credentials/ and package.json. Tests, scripts and the development tools in dev/
// (emulators, harness, real-n8n drivers) are not shipped and use Node globals freely, so they are outside
// this config. CONTRIBUTING.md, "Lint and strict mode", lists the rules they could not keep.
import { globalIgnores } from 'eslint/config';
import { config } from '@n8n/node-cli/eslint';

export default [globalIgnores(['test/**', 'dev/**', 'scripts/**', 'examples/**', '*.js', '*.mjs']), ...config];
