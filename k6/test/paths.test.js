// Where the codes file is looked for (own process: the lib reads __ENV at import).
import test from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codesFile, installGlobals, state } from './harness.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fresh = () => { state.metrics = {}; state.sharedArrays = {}; state.opened = undefined; };

test('a relative CODES_FILE is taken from $PWD', async () => {
  const file = codesFile(5);
  installGlobals({ CODES_FILE: 'codes.txt', PWD: `${dirname(file)}/` });
  fresh();
  await import('../lib/shortlink.js?pwd');
  assert.equal(state.opened, file);
});

test('an absolute CODES_FILE is used as given', async () => {
  const file = codesFile(5);
  installGlobals({ CODES_FILE: file, PWD: '/nowhere' });
  fresh();
  await import('../lib/shortlink.js?abs');
  assert.equal(state.opened, file);
});

test('without CODES_FILE: build/seed/codes.txt under the repository root, with a hint when missing', async () => {
  installGlobals({ PWD: '/nowhere' });
  fresh();
  state.openFails = true;
  await assert.rejects(import('../lib/shortlink.js?default'), /cannot read the codes file .*build\/seed\/codes\.txt.*scripts\/seed-data/);
  assert.equal(state.opened, join(repoRoot, 'build', 'seed', 'codes.txt'));
});
