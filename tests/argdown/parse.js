// Parse Argdown from stdin with the reference parser (@argdown/core) and print what it
// understood as JSON, so the Python tests can check argmap's export against the real grammar.
"use strict";
const core = require("@argdown/core");
const fs = require("fs");

const app = new core.ArgdownApplication();
app.addPlugin(new core.ParserPlugin(), "parse-input");
app.addPlugin(new core.DataPlugin(), "build-model");
app.addPlugin(new core.ModelPlugin(), "build-model");

const res = app.run({
  input: fs.readFileSync(0, "utf8"),
  process: ["parse-input", "build-model"],
  logLevel: "error",
});

const texts = (members) => (members || []).map((m) => m.text).filter((t) => t != null);
const links = (members) =>
  (members || []).flatMap((m) => (m.ranges || []).filter((r) => r.type === "link").map((r) => r.url));
const out = {
  lexerErrors: (res.lexerErrors || []).map((e) => e.message),
  parserErrors: (res.parserErrors || []).map((e) => e.message),
  statements: Object.fromEntries(
    Object.entries(res.statements || {}).map(([k, v]) => [k, { texts: texts(v.members), tags: v.tags || [] }])
  ),
  arguments: Object.fromEntries(
    Object.entries(res.arguments || {}).map(([k, v]) => [k, { texts: texts(v.members), tags: v.tags || [], links: links(v.members) }])
  ),
  relations: (res.relations || []).map((r) => ({ from: r.from.title, to: r.to.title, type: r.relationType })),
  sections: (res.sections || []).map((s) => s.title),
};
process.stdout.write(JSON.stringify(out));
