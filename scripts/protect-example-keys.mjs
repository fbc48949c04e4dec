#!/usr/bin/env node
// git stores files as 0644 or 0755, so the demo CA keys of examples/ come out of a clone
// readable by everyone, and meshgen rightly warns about such keys (W3002). `npm ci` runs this
// (the prepare script) so that the README's first command builds an example without warnings.
// The TEST-ONLY age identities (*.agekey) of the sops example get the same mode: private keys
// are 0600 wherever they are.
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const examples = new URL('../examples/', import.meta.url).pathname;

function protect(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) protect(path);
    else if (entry.isFile() && /(-key\.pem|\.agekey)$/.test(entry.name) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

protect(examples);
