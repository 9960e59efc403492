// Runs graphql-http's audit of the GraphQL over HTTP specification against the GraphQL
// endpoint given as the only argument (e.g. http://127.0.0.1:8080/graphql) and prints the
// results as one JSON array of { id, name, status, reason }: status is "ok", or "error" for a
// failed MUST, "warn" for a failed SHOULD, "notice" for a failed MAY.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}
const results = await auditServer({ url });
const report = results.map(({ id, name, status, reason }) => ({ id, name, status, reason }));
console.log(JSON.stringify(report));
