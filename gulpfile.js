// Asset step of the build: tsc compiles the TypeScript (and, as tsconfig.json includes them, re-emits the codex
// files reformatted); this copies the icons, and the codex files as written. One icon per provider lives in icons/;
// nodes and credentials name it by a relative path (file:../../icons/…). Only these files: `n8n-node build` would
// copy every png and svg in the tree, the browser test's screenshots in test-artifacts/ included.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg', { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports['build:assets'] = parallel(copyIcons, copyCodex);
exports.default = exports['build:assets'];
