// Parse and validate an AsyncAPI document with the official @asyncapi/parser (pinned in
// package.json). Prints {"ok": bool, "diagnostics": [{severity, code, message, path}]} as JSON;
// severity 0 is an error, 1 a warning, 2 information, 3 a hint.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(process.argv[2], "utf8"));
const out = diagnostics.map((d) => ({
  severity: d.severity,
  code: String(d.code),
  message: d.message,
  path: d.path.join("."),
}));
console.log(JSON.stringify({ ok: document !== undefined, diagnostics: out }));
