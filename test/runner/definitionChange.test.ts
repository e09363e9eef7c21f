import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProject, writeProject } from '../../src/dbt';
import { domainUserid, pageView, parseView } from '../../src/definition';
import { DbtRunError, runUntilCaughtUp } from '../../src/runner';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const EVENTS = `event_id,app_id,domain_userid,event_vendor,event_name,event_version,derived_tstamp,dvce_created_tstamp,load_tstamp
e1,web,u1,com.snowplowanalytics.snowplow,page_view,1-0-0,2025-01-02 10:00:00,2025-01-02 10:00:00,2025-01-02 10:05:00
e2,web,u1,com.snowplowanalytics.snowplow,page_view,1-0-0,2025-01-03 10:00:00,2025-01-03 10:00:00,2025-01-03 10:05:00
e3,web,u2,com.snowplowanalytics.snowplow,page_ping,1-0-0,2025-01-03 11:00:00,2025-01-03 11:00:00,2025-01-03 11:05:00
`;

describe('a view whose definition changes under the same version', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-definition-'));
  const database = path.join(work, 'wh.duckdb');
  const vars = { snowplow__mock_current_day: '2025-01-05' };
  const v1 = parseView({
    name: 'engagement',
    version: 1,
    attributeKey: domainUserid,
    attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
  });
  const v1changed = parseView({
    ...v1,
    attributes: [
      ...v1.attributes,
      { name: 'pings', type: 'int64', aggregation: 'counter', events: [{ vendor: 'com.snowplowanalytics.snowplow', name: 'page_ping' }] },
    ],
  });
  const log = () => undefined;

  beforeAll(async () => {
    fs.writeFileSync(path.join(work, 'events.csv'), EVENTS);
    await loadEventsCsv([path.join(work, 'events.csv')], { database });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('stops before changing anything, then rebuilds when a full refresh is allowed', async () => {
    const dir = await writeProject(work, generateProject(v1, { target: 'duckdb', vars }));
    await runUntilCaughtUp({ projectDir: dir, connection: { type: 'duckdb', path: database }, targetName: 'prod', log });
    const before = await queryDuckdb(database, 'select * from main_derived.engagement_1_attributes order by domain_userid');
    expect(before.map((r) => [r.domain_userid, r.views])).toEqual([['u1', '2']]);

    await writeProject(work, generateProject(v1changed, { target: 'duckdb', vars }));
    const stale = runUntilCaughtUp({ projectDir: dir, connection: { type: 'duckdb', path: database }, targetName: 'prod', log });
    await expect(stale).rejects.toBeInstanceOf(DbtRunError);
    await expect(stale).rejects.toThrow(/definition of engagement_1 changed since its tables were built/);
    expect(await queryDuckdb(database, 'select * from main_derived.engagement_1_attributes order by domain_userid')).toEqual(before);

    await runUntilCaughtUp({
      projectDir: dir,
      connection: { type: 'duckdb', path: database },
      targetName: 'prod',
      fullRefresh: true,
      vars: { snowplow__allow_refresh: true },
      log,
    });
    const after = await queryDuckdb(
      database,
      'select domain_userid, views, pings from main_derived.engagement_1_attributes order by domain_userid',
    );
    expect(after).toEqual([
      { domain_userid: 'u1', views: '2', pings: '0' },
      { domain_userid: 'u2', views: '0', pings: '1' },
    ]);
  });
});
