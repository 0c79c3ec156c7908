// Runs callCreditOrders() of the compiled usage.ts: node run_usage.mjs <usage.js> <base url> <token>
// Prints the results as JSON on stdout (tests/test_openapi_interop.py reads them).
import { pathToFileURL } from "node:url";

const [modulePath, baseUrl, token] = process.argv.slice(2);
const { callCreditOrders } = await import(pathToFileURL(modulePath).href);
process.stdout.write(JSON.stringify(await callCreditOrders(baseUrl, token)) + "\n");
