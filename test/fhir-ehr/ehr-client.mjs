// An EHR, in a process of its own, reading the facade with fhir-kit-client (ESM-only) exactly as
// an integration would: the CapabilityStatement, a Patient search followed through its `next`
// links, then a read of every Patient found. Prints one JSON document; test/e2e/fhir.e2e-spec.ts
// runs it against the test server.
import { Client } from 'fhir-kit-client';

const [baseUrl, token, count] = process.argv.slice(2);
const client = new Client({ baseUrl, bearerToken: token });

const out = { capability: null, pages: [], reads: [], error: null };
try {
  out.capability = await client.capabilityStatement();
  let bundle = await client.search({ resourceType: 'Patient', searchParams: { _count: count } });
  out.pages.push(bundle);
  while ((bundle.link ?? []).some((l) => l.relation === 'next')) {
    bundle = await client.nextPage({ bundle });
    out.pages.push(bundle);
  }
  for (const page of out.pages) {
    for (const e of page.entry ?? []) {
      out.reads.push(await client.read({ resourceType: 'Patient', id: e.resource.id }));
    }
  }
} catch (err) {
  out.error = { message: String(err?.message ?? err), status: err?.response?.status ?? null };
}
process.stdout.write(JSON.stringify(out));
