// An EHR, in a process of its own, reading the facade with fhir-kit-client (ESM-only) exactly as
// an integration would: the CapabilityStatement, a search (Patient unless a type is given, with
// any extra parameters given as JSON) followed through its `next` links, then a read of every
// match found. Prints one JSON document; test/e2e/fhir.e2e-spec.ts and fhir-clinical.e2e-spec.ts
// run it against the test server.
import { Client } from 'fhir-kit-client';

const [baseUrl, token, count, resourceType = 'Patient', extra = '{}'] = process.argv.slice(2);
const client = new Client({ baseUrl, bearerToken: token });

const out = { capability: null, pages: [], reads: [], error: null };
try {
  out.capability = await client.capabilityStatement();
  let bundle = await client.search({
    resourceType,
    searchParams: { ...JSON.parse(extra), _count: count },
  });
  out.pages.push(bundle);
  while ((bundle.link ?? []).some((l) => l.relation === 'next')) {
    bundle = await client.nextPage({ bundle });
    out.pages.push(bundle);
  }
  for (const page of out.pages) {
    for (const e of page.entry ?? []) {
      if (e.search?.mode === 'include') continue;
      out.reads.push(await client.read({ resourceType, id: e.resource.id }));
    }
  }
} catch (err) {
  out.error = { message: String(err?.message ?? err), status: err?.response?.status ?? null };
}
process.stdout.write(JSON.stringify(out));
