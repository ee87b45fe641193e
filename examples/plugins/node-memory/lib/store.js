'use strict';
// The "cloud" of this provider: resources kept in memory and, when a directory is known,
// mirrored to <dir>/store.json so they outlive the plugin process (the core starts a new
// plugin process for every CLI run).
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const COLLECTIONS = ['networks', 'subnets', 'buckets'];

class Store {
  constructor() {
    this.file = null;
    this.data = emptyData();
  }

  /** Points the store at `dir` (created if needed) and loads what an earlier run saved. */
  open(dir) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'store.json');
    this.data = fs.existsSync(this.file)
      ? { ...emptyData(), ...JSON.parse(fs.readFileSync(this.file, 'utf8')) }
      : emptyData();
  }

  all(collection) {
    return Object.values(this.data[collection]);
  }

  get(collection, id) {
    return this.data[collection][id] || null;
  }

  /** The record a create with this idempotency token made, if any. */
  byToken(collection, token) {
    if (!token) return null;
    return this.all(collection).find((record) => record.token === token) || null;
  }

  put(collection, record) {
    this.data[collection][record.id] = record;
    this.save();
  }

  remove(collection, id) {
    delete this.data[collection][id];
    this.save();
  }

  save() {
    if (!this.file) return;
    // Write-then-rename: a reader (or a crash) never sees half a file.
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }
}

function emptyData() {
  return Object.fromEntries(COLLECTIONS.map((name) => [name, {}]));
}

function newId(prefix) {
  return `${prefix}-${crypto.randomBytes(6).toString('hex')}`;
}

module.exports = { Store, newId };
