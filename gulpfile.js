// Asset step of the build: tsc compiles the TypeScript, this copies what it does not (icons and codex files).
// One icon per provider lives in icons/; nodes and credentials name it by a relative path (file:../../icons/…).
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg', { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

exports['build:assets'] = parallel(copyIcons, copyCodex);
exports.default = exports['build:assets'];
