import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// The weekday (mon..sun) in a time zone, `offset` days from today there.
function localDay(timeZone: string, offset = 0): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' })
    .format(new Date())
    .toLowerCase();
  return DAYS[(DAYS.indexOf(name) + offset + 7) % 7];
}

describe('community resources /api/v1/resources (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const body = (over: Record<string, unknown> = {}) => ({
    name: 'Harbor Light Housing Navigation',
    categories: ['housing'],
    description: 'Help finding recovery housing',
    address: '12 Pier St, Springfield',
    latitude: 40,
    longitude: -75,
    serviceArea: 'Springfield county',
    hours: [{ day: 'mon', opens: '09:00', closes: '17:00' }],
    phone: '+1-555-0101',
    url: 'https://harbor-light.example.org',
    eligibility: 'Adults 18+',
    languages: ['en', 'es'],
    ...over,
  });
  const create = async (o: TestOrg, over: Record<string, unknown> = {}) =>
    (
      await http()
        .post('/api/v1/resources')
        .auth(o.supervisorA.token, bearer)
        .send(body(over))
        .expect(201)
    ).body;
  const list = (o: TestOrg, qs: string, token = o.peerA1.token) =>
    http().get(`/api/v1/resources?${qs}`).auth(token, bearer);
  const names = (res: request.Response) => res.body.items.map((i: { name: string }) => i.name);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  describe('POST', () => {
    it('should answer 401 without a token and 403 to a peer specialist', async () => {
      await http().post('/api/v1/resources').send(body()).expect(401);
      const res = await http()
        .post('/api/v1/resources')
        .auth(org.peerA1.token, bearer)
        .send(body())
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors and store nothing', async () => {
      const bad = await http()
        .post('/api/v1/resources')
        .auth(org.admin.token, bearer)
        .send(
          body({
            name: '',
            categories: ['housing', 'spa'],
            hours: [{ day: 'someday', opens: '9am', closes: '17:00' }],
            url: 'javascript:alert(1)',
            extra: 1,
          }),
        )
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'categories',
            message: `each value in categories must be one of the following values: housing, employment, education, mutual-aid-meeting, moud-provider, mental-health, legal, transport, food, childcare, harm-reduction, health-care, benefits, recovery-community, other`,
          },
          { field: 'extra', message: 'property extra should not exist' },
          {
            field: 'hours.0.day',
            message: 'day must be one of the following values: mon, tue, wed, thu, fri, sat, sun',
          },
          { field: 'hours.0.opens', message: 'opens must be a time HH:MM' },
          { field: 'name', message: 'name must be longer than or equal to 1 characters' },
          { field: 'url', message: 'url must be a URL address' },
        ]),
      );
      const half = await http()
        .post('/api/v1/resources')
        .auth(org.admin.token, bearer)
        .send(body({ longitude: null }))
        .expect(400);
      expect(half.body.errors).toEqual([
        { field: 'longitude', message: 'latitude and longitude must be given together' },
      ]);
      expect(
        await t.dataSource.query(`SELECT 1 FROM community_resource WHERE organization_id = $1`, [
          org.id,
        ]),
      ).toEqual([]);
    });

    it('should add the resource for an admin or a supervisor, stored and audited', async () => {
      const res = await http()
        .post('/api/v1/resources')
        .auth(org.admin.token, bearer)
        .send(body())
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.any(String),
        ...body(),
        active: true,
        openNow: expect.any(Boolean),
        distanceKm: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const [row] = await t.dataSource.query(`SELECT * FROM community_resource WHERE id = $1`, [
        res.body.id,
      ]);
      expect(row).toEqual(
        expect.objectContaining({
          organization_id: org.id,
          name: 'Harbor Light Housing Navigation',
          categories: ['housing'],
          latitude: 40,
          longitude: -75,
          hours: [{ day: 'mon', opens: '09:00', closes: '17:00' }],
          languages: ['en', 'es'],
          active: true,
          created_by_id: org.admin.id,
        }),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'resource.create',
          resourceId: res.body.id,
          actorId: org.admin.id,
        }),
      ).toBe(1);
      await create(org, { name: 'Second' });
    });
  });

  describe('GET', () => {
    let searchOrg: TestOrg;
    beforeAll(async () => {
      searchOrg = await createTestOrg(t.app);
      await create(searchOrg, { name: 'Alpha Housing', latitude: 40, longitude: -75 });
      await create(searchOrg, {
        name: 'Beta Jobs',
        categories: ['employment', 'education'],
        description: 'Résumé workshops',
        latitude: 40.1,
        longitude: -75,
      });
      await create(searchOrg, {
        name: 'Gamma Meeting',
        categories: ['mutual-aid-meeting'],
        description: 'NA meeting 100% welcoming',
        latitude: 41,
        longitude: -75,
      });
      await create(searchOrg, {
        name: 'Delta Legal',
        categories: ['legal'],
        latitude: null,
        longitude: null,
      });
      await create(other, { name: 'Elsewhere Housing' });
    });

    it('should answer 401 without a token and 400 for bad parameters', async () => {
      await http().get('/api/v1/resources').expect(401);
      const res = await list(searchOrg, 'limit=101&category=spa&near=north&openNow=maybe').expect(
        400,
      );
      expect(res.body.errors).toEqual([
        {
          field: 'category',
          message: `category must be one of the following values: housing, employment, education, mutual-aid-meeting, moud-provider, mental-health, legal, transport, food, childcare, harm-reduction, health-care, benefits, recovery-community, other`,
        },
        { field: 'limit', message: 'limit must not be greater than 100' },
        { field: 'near', message: 'near must be "lat,lon" in decimal degrees' },
        { field: 'openNow', message: 'openNow must be a boolean value' },
      ]);
      const far = await list(searchOrg, 'near=95,10').expect(400);
      expect(far.body.errors).toEqual([
        { field: 'near', message: 'near must be "lat,lon" in decimal degrees' },
      ]);
      await list(searchOrg, 'cursor=forged')
        .expect(400)
        .expect((r) => expect(r.body).toEqual(INVALID_CURSOR));
    });

    it('should list the organization’s resources by name to every role, paged, nothing of another', async () => {
      for (const who of [searchOrg.peerA1, searchOrg.supervisorA, searchOrg.admin]) {
        const res = await list(searchOrg, '', who.token).expect(200);
        expect(names(res)).toEqual(['Alpha Housing', 'Beta Jobs', 'Delta Legal', 'Gamma Meeting']);
      }
      const first = await list(searchOrg, 'limit=3').expect(200);
      expect(names(first)).toEqual(['Alpha Housing', 'Beta Jobs', 'Delta Legal']);
      const second = await list(searchOrg, `limit=3&cursor=${first.body.nextCursor}`).expect(200);
      expect(names(second)).toEqual(['Gamma Meeting']);
      expect(second.body.nextCursor).toBeNull();
      const foreign = await list(searchOrg, 'q=Elsewhere').expect(200);
      expect(foreign.body.items).toEqual([]);
    });

    it('should search by text (wildcards taken literally) and category', async () => {
      expect(names(await list(searchOrg, 'q=r%C3%A9sum%C3%A9').expect(200))).toEqual(['Beta Jobs']);
      expect(names(await list(searchOrg, 'q=100%25').expect(200))).toEqual(['Gamma Meeting']);
      expect(names(await list(searchOrg, 'q=_').expect(200))).toEqual([]);
      expect(names(await list(searchOrg, 'category=education').expect(200))).toEqual(['Beta Jobs']);
      expect(names(await list(searchOrg, 'q=Alpha&category=legal').expect(200))).toEqual([]);
    });

    it('should find resources near a point, nearest first with the distance, paged', async () => {
      const res = await list(searchOrg, 'near=40,-75&radiusKm=25').expect(200);
      expect(names(res)).toEqual(['Alpha Housing', 'Beta Jobs']);
      expect(res.body.items[0].distanceKm).toBe(0);
      expect(res.body.items[1].distanceKm).toBeCloseTo(11.1195, 2);
      const wide = await list(searchOrg, 'near=40,-75&radiusKm=200&limit=2').expect(200);
      expect(names(wide)).toEqual(['Alpha Housing', 'Beta Jobs']);
      const next = await list(
        searchOrg,
        `near=40,-75&radiusKm=200&limit=2&cursor=${wide.body.nextCursor}`,
      ).expect(200);
      expect(names(next)).toEqual(['Gamma Meeting']);
      expect(next.body.items[0].distanceKm).toBeCloseTo(111.195, 2);
      // A cursor of one point is not valid for another.
      await list(searchOrg, `near=41,-75&limit=2&cursor=${wide.body.nextCursor}`).expect(400);
    });

    it('should tell which resources are open now in the organization’s time zone', async () => {
      const tzOrg = await createTestOrg(t.app);
      const zone = 'Pacific/Kiritimati';
      await t.dataSource.query(
        `UPDATE organization SET settings = settings || $2::jsonb WHERE id = $1`,
        [tzOrg.id, JSON.stringify({ timeZone: zone })],
      );
      await create(tzOrg, {
        name: 'Open Today',
        hours: [{ day: localDay(zone), opens: '00:00', closes: '24:00' }],
      });
      await create(tzOrg, {
        name: 'Open Tomorrow',
        hours: [{ day: localDay(zone, 1), opens: '00:00', closes: '24:00' }],
      });
      // Runs past midnight: from 23:59 yesterday to 23:59 today.
      await create(tzOrg, {
        name: 'Overnight',
        hours: [{ day: localDay(zone, -1), opens: '23:59', closes: '23:59' }],
      });
      await create(tzOrg, { name: 'No Hours', hours: [] });
      const all = await list(tzOrg, '').expect(200);
      expect(
        Object.fromEntries(
          all.body.items.map((i: { name: string; openNow: boolean }) => [i.name, i.openNow]),
        ),
      ).toEqual({ 'No Hours': false, 'Open Today': true, 'Open Tomorrow': false, Overnight: true });
      expect(names(await list(tzOrg, 'openNow=true').expect(200))).toEqual([
        'Open Today',
        'Overnight',
      ]);
      expect(names(await list(tzOrg, 'openNow=false').expect(200))).toEqual([
        'No Hours',
        'Open Tomorrow',
      ]);
    });
  });

  describe('GET one and PATCH', () => {
    let resource: { id: string; version: number };
    beforeAll(async () => {
      resource = await create(org, { name: 'Curated' });
    });
    const patch = (
      token: string,
      version: number | null,
      send: Record<string, unknown>,
      id = resource.id,
    ) => {
      const req = http().patch(`/api/v1/resources/${id}`).auth(token, bearer);
      if (version !== null) req.set('If-Match', `"${version}"`);
      return req.send(send);
    };

    it('should read one to everyone of the organization, 404 to another organization', async () => {
      const res = await http()
        .get(`/api/v1/resources/${resource.id}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: resource.id, name: 'Curated' }));
      const foreign = await http()
        .get(`/api/v1/resources/${resource.id}`)
        .auth(other.admin.token, bearer)
        .expect(404);
      expect(foreign.body).toEqual(problem(404, 'NOT_FOUND', 'Resource not found.'));
      await http().get(`/api/v1/resources/${resource.id}`).expect(401);
      await http().get('/api/v1/resources/nope').auth(org.peerA1.token, bearer).expect(400);
    });

    it('should answer 401, 403 to a peer, 428 without If-Match, 404 elsewhere, 400 for a null name', async () => {
      await http().patch(`/api/v1/resources/${resource.id}`).send({ name: 'x' }).expect(401);
      await patch(org.peerA1.token, 1, { name: 'x' }).expect(403);
      const missing = await patch(org.admin.token, null, { name: 'x' }).expect(428);
      expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
      await patch(other.admin.token, 1, { name: 'x' }).expect(404);
      await patch(org.admin.token, 1, { name: 'x' }, randomUUID()).expect(404);
      const nulled = await patch(org.admin.token, 1, { name: null, categories: null }).expect(400);
      expect(nulled.body.errors).toEqual([
        { field: 'name', message: 'name must not be null' },
        { field: 'categories', message: 'categories must not be null' },
      ]);
    });

    it('should apply one of 20 parallel PATCHes with one ETag (the others 412), then deactivate', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          patch(org.supervisorA.token, resource.version, {
            phone: `+1-555-01${String(i).padStart(2, '0')}`,
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(412)]);
      const off = await patch(org.admin.token, 2, { active: false, description: null }).expect(200);
      expect(off.body).toEqual(
        expect.objectContaining({ active: false, description: null, version: 3 }),
      );
      expect(off.headers.etag).toBe('"3"');
      const [row] = await t.dataSource.query(
        `SELECT active, description, version, updated_by_id FROM community_resource WHERE id = $1`,
        [resource.id],
      );
      expect(row).toEqual({
        active: false,
        description: null,
        version: 3,
        updated_by_id: org.admin.id,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'resource.deactivate',
          resourceId: resource.id,
        }),
      ).toBe(1);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'resource.update',
          resourceId: resource.id,
        }),
      ).toBe(1);
      // Hidden from the directory; curators may list it with includeInactive, peers may not.
      expect(names(await list(org, 'q=Curated').expect(200))).toEqual([]);
      expect(names(await list(org, 'q=Curated&includeInactive=true').expect(200))).toEqual([]);
      expect(
        names(await list(org, 'q=Curated&includeInactive=true', org.supervisorA.token).expect(200)),
      ).toEqual(['Curated']);
    });
  });

  describe('CSV export and import', () => {
    let csvOrg: TestOrg;
    const exportCsv = (o: TestOrg, token = o.peerA1.token, qs = '') =>
      http()
        .get(`/api/v1/resources?${qs}`)
        .set('Accept', 'text/csv')
        .auth(token, bearer)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        });
    const importCsv = (o: TestOrg, csv: string, token = o.supervisorA.token) =>
      http()
        .post('/api/v1/resources/import')
        .set('Content-Type', 'text/csv')
        .auth(token, bearer)
        .send(csv);
    const count = async (o: TestOrg) =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM community_resource WHERE organization_id = $1`,
          [o.id],
        )
      )[0].n as number;
    const HEADER =
      'id,name,categories,description,address,latitude,longitude,serviceArea,hours,phone,url,eligibility,languages,active';

    beforeAll(async () => {
      csvOrg = await createTestOrg(t.app);
      await create(csvOrg, {
        name: '=HYPERLINK("http://evil.example","click")',
        description: '@SUM(1+1)',
        hours: [
          { day: 'mon', opens: '09:00', closes: '17:00' },
          { day: 'sat', opens: '22:00', closes: '02:00' },
        ],
      });
    });

    it('should export the directory to every role as a formula-safe attachment, audited', async () => {
      await http().get('/api/v1/resources').set('Accept', 'text/csv').expect(401);
      const res = await exportCsv(csvOrg).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        /^attachment; filename="resources_\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const [header, line, end] = (res.body as string).split('\n');
      expect(header).toBe(HEADER);
      expect(end).toBe('');
      const [row] = await t.dataSource.query(
        `SELECT id FROM community_resource WHERE organization_id = $1`,
        [csvOrg.id],
      );
      expect(line).toBe(
        `${row.id},"'=HYPERLINK(""http://evil.example"",""click"")",housing,'@SUM(1+1),"12 Pier St, Springfield",40,-75,Springfield county,mon 09:00-17:00; sat 22:00-02:00,'+1-555-0101,https://harbor-light.example.org,Adults 18+,en;es,true`,
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'resource.export',
          actorId: csvOrg.peerA1.id,
        }),
      ).toBe(1);
      const filtered = await exportCsv(csvOrg, csvOrg.peerA1.token, 'category=legal').expect(200);
      expect(filtered.body).toBe(`${HEADER}\n`);
    });

    it('should answer 401, 403 to a peer and 415 for a body that is not text/csv', async () => {
      await http()
        .post('/api/v1/resources/import')
        .set('Content-Type', 'text/csv')
        .send(`${HEADER}\n`)
        .expect(401);
      await importCsv(csvOrg, `name,categories\nX,housing\n`, csvOrg.peerA1.token).expect(403);
      const json = await http()
        .post('/api/v1/resources/import')
        .auth(csvOrg.admin.token, bearer)
        .send({ name: 'X' })
        .expect(415);
      expect(json.body).toEqual(
        problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.'),
      );
    });

    it('should refuse the whole file with row-numbered errors when any row is invalid', async () => {
      const before = await count(csvOrg);
      const csv = [
        'name,categories,latitude,longitude,hours,id',
        'Good Row,food,,,,',
        ',spa,40,,mon 9-5,',
        `Ghost,food,,,,${randomUUID()}`,
      ].join('\n');
      const res = await importCsv(csvOrg, csv).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The CSV is invalid; no row was imported.', [
          {
            field: 'row 3.categories',
            message: expect.stringContaining('each value in categories must be one of'),
          },
          {
            field: 'row 3.hours',
            message: 'hours must be like "mon 09:00-17:00; sat 10:00-14:00"',
          },
          {
            field: 'row 3.longitude',
            message: 'latitude and longitude must be given together',
          },
          { field: 'row 3.name', message: 'name must be longer than or equal to 1 characters' },
          { field: 'row 4.id', message: 'id must be a resource of your directory' },
        ]),
      );
      const header = await importCsv(csvOrg, 'name,colour\nX,red\n').expect(400);
      expect(header.body.errors).toEqual([{ field: 'header', message: 'unknown column "colour"' }]);
      const broken = await importCsv(csvOrg, 'name,categories\n"X,housing\n').expect(400);
      expect(broken.body.errors).toEqual([
        { field: 'body', message: expect.stringMatching(/^the CSV is malformed near line \d+$/) },
      ]);
      const foreign = await importCsv(
        other,
        `id,name\n${(await t.dataSource.query(`SELECT id FROM community_resource WHERE organization_id = $1 LIMIT 1`, [csvOrg.id]))[0].id},Stolen\n`,
      ).expect(400);
      expect(foreign.body.errors).toEqual([
        { field: 'row 2.id', message: 'id must be a resource of your directory' },
      ]);
      expect(await count(csvOrg)).toBe(before);
    });

    it('should create and update in one go, audited, and round-trip its own export', async () => {
      const exported = (await exportCsv(csvOrg).expect(200)).body as string;
      const lines = exported.trimEnd().split('\n');
      const edited = lines[1].replace(',Adults 18+,', ',Adults 21+,');
      const csv = [
        lines[0],
        edited,
        ',Night Shelter,housing;food,Beds from 8pm,,,,,sun 20:00-08:00,,,,,',
        ',Ride Share Vouchers,transport,,,,,,,,,,es,false',
      ].join('\n');
      const res = await importCsv(csvOrg, csv).expect(200);
      expect(res.body).toEqual({ created: 2, updated: 1, ids: expect.any(Array) });
      const [updatedId, shelterId, rideId] = res.body.ids;
      const rows = await t.dataSource.query(
        `SELECT id, name, categories, description, hours, phone, eligibility, languages, active
           FROM community_resource WHERE id = ANY($1::uuid[])`,
        [res.body.ids],
      );
      const byId = Object.fromEntries(rows.map((r: { id: string }) => [r.id, r]));
      // The export's formula guard is taken off again: the stored text is what was entered.
      expect(byId[updatedId]).toEqual(
        expect.objectContaining({
          name: '=HYPERLINK("http://evil.example","click")',
          description: '@SUM(1+1)',
          phone: '+1-555-0101',
          eligibility: 'Adults 21+',
          hours: [
            { day: 'mon', opens: '09:00', closes: '17:00' },
            { day: 'sat', opens: '22:00', closes: '02:00' },
          ],
        }),
      );
      expect(byId[shelterId]).toEqual(
        expect.objectContaining({
          name: 'Night Shelter',
          categories: ['housing', 'food'],
          description: 'Beds from 8pm',
          hours: [{ day: 'sun', opens: '20:00', closes: '08:00' }],
          languages: [],
          active: true,
        }),
      );
      expect(byId[rideId]).toEqual(
        expect.objectContaining({ name: 'Ride Share Vouchers', languages: ['es'], active: false }),
      );
      expect(
        await countAuditEvents(t.dataSource, { action: 'resource.update', resourceId: updatedId }),
      ).toBe(1);
      for (const id of [shelterId, rideId]) {
        expect(
          await countAuditEvents(t.dataSource, { action: 'resource.create', resourceId: id }),
        ).toBe(1);
      }
    });
  });
});
