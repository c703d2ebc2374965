// Collects the JSON Schemas that kubernetes-models registers, into one {definitions} document.
const path = require('path'), fs = require('fs');
const dir = process.argv[2], out = {};
const validate = require(path.join(dir, 'node_modules/@kubernetes-models/validate'));
const Module = require('module');
const orig = Module.prototype.require;
Module.prototype.require = function (id) {
  if (id === '@kubernetes-models/validate') return { register: (name, schema) => { out[name] = schema; } };
  return orig.apply(this, arguments);
};
for (const pkg of ['kubernetes-models', '@kubernetes-models/apimachinery']) {
  const sd = path.join(dir, 'node_modules', pkg, '_schemas');
  for (const f of fs.readdirSync(sd).filter(f => f.endsWith('.js'))) {
    const m = require(path.join(sd, f));
    if (m.addSchema) m.addSchema();
  }
}
process.stdout.write(JSON.stringify({ definitions: out }, Object.keys(out).length ? null : null));
