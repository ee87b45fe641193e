// Runs one invocation of a Node.js handler: node node_handler.js CODE_DIR FILE.EXPORT OUT
// The event is JSON on stdin; {"ok": true, "result": ...} or {"ok": false, "error": "..."}
// goes to OUT. Handlers may be async or take a callback.
const fs = require("fs");
const path = require("path");

async function main() {
  const [codeDir, handler, outPath] = process.argv.slice(2);
  const raw = fs.readFileSync(0, "utf8");
  let outcome;
  try {
    const event = raw.trim() ? JSON.parse(raw) : null;
    const dot = handler.lastIndexOf(".");
    const mod = require(path.resolve(codeDir, handler.slice(0, dot)));
    const fn = mod[handler.slice(dot + 1)];
    const result = await new Promise((resolve, reject) => {
      const ret = fn(event, {}, (err, value) => (err ? reject(err) : resolve(value)));
      if (ret && typeof ret.then === "function") ret.then(resolve, reject);
      else if (fn.length < 3) resolve(ret);
    });
    outcome = { ok: true, result: result === undefined ? null : result };
  } catch (err) {
    console.error(err && err.stack ? err.stack : String(err));
    outcome = { ok: false, error: `${(err && err.name) || "Error"}: ${(err && err.message) || err}` };
  }
  fs.writeFileSync(outPath, JSON.stringify(outcome));
}

main();
