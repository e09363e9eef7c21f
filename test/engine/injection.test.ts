/**
 * User text is only ever data. Every generated file is a Jinja template to dbt (models, YAML,
 * profiles, `--vars`), so text from a view or an option that holds `{{ }}`, `{% %}`, `{# #}`,
 * `{% raw %}`, quotes, `$$` or `--` must come out of dbt as the same text: matched literally in
 * criteria, stored literally as a default, never run. Each payload here is run for real on DuckDB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atomic, entityField, pageView, parseView, type Attribute, type View } from '../../src/definition';
import { dialectFor, generateProject, TARGETS, writeProject, type Target } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { writeEventsCsv, type EventRow } from '../../src/sample';
import { pageViewRow } from '../support/events';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';
import { type Row } from '../support/tables';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const CANARY = 'canary-secret-7f3a';
const PAYLOADS: readonly string[] = [
  "{% do run_query('create table main.pwned as select 42 as x') %}",
  "{{ env_var('SIGNALS_BATCH_DBT_PASSWORD', '') }}",
  "{{ env_var('SIGNALS_BATCH_INJECTION_CANARY') }}",
  '{#',
  'open {# comment #} close',
  '{% raw %}raw{% endraw %}',
  '{% endraw %}',
  '{{{ triple }}}',
  "it's \"quoted\" '' \\' \\\\",
  '$$ dollar $$ -- dash /* star */ ; drop table atomic.events; --',
  'line one\nline two',
  'Page {Title} with {braces}',
];

/** Every place a view carries free text: criteria (=, !=, like, in), defaults, descriptions, owner. */
function payloadView(): View {
  const attributes: Attribute[] = [];
  PAYLOADS.forEach((payload, i) => {
    const title = atomic('page_title');
    attributes.push(
      {
        name: `eq_${i}`,
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        description: payload,
        criteria: { all: [{ property: title, operator: '=', value: payload }] },
      },
      {
        name: `ne_${i}`,
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: title, operator: '!=', value: payload }] },
      },
      {
        name: `like_${i}`,
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: title, operator: 'like', value: payload }] },
      },
      {
        name: `in_${i}`,
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { any: [{ property: title, operator: 'in', value: [payload, 'no such title'] }] },
      },
      {
        name: `default_${i}`,
        type: 'string',
        aggregation: 'last',
        events: [pageView()],
        property: atomic('mkt_term'),
        defaultValue: payload,
      },
    );
  });
  return parseView({
    name: 'injection',
    version: 1,
    description: PAYLOADS[0],
    owner: PAYLOADS[2],
    attributeKey: { name: 'domain_userid' },
    attributes,
  });
}

let day = 0;
/** A page_view titled `title`, on one of five days in turn. */
function pageViewOf(user: string, title: string): EventRow {
  day = (day + 1) % 5;
  return pageViewRow(user, `2025-01-0${1 + day} 10:00:00`, { app_id: PAYLOADS[1], page_title: title, mkt_term: null });
}

describe('user text is only ever data', () => {
  const view = payloadView();
  const vars = { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-10', snowplow__app_id: [PAYLOADS[1]] };

  const implemented = TARGETS.filter((t: Target) => {
    try {
      return dialectFor(t) !== undefined;
    } catch {
      return false;
    }
  });

  it.each(implemented)('no payload reaches a %s project as an open Jinja tag', (target) => {
    const project = generateProject(view, { target, vars });
    for (const [file, content] of Object.entries(project.files)) {
      if (file.endsWith('.json')) continue; // signals_batch.json is read by the engine, never by dbt
      // dbt renders no list item of a variable: snowplow__app_id's items pass as they are (the run below proves it).
      if (file === 'dbt_project.yml') expect(content).toContain(`snowplow__app_id: ${JSON.stringify([PAYLOADS[1]])}`);
      const rendered = file === 'dbt_project.yml' ? content.replace(/^ *snowplow__app_id: .*$/m, '') : content;
      // (`{#` alone also opens the project's own comments; the longer payloads are unmistakable.)
      for (const payload of PAYLOADS.filter((p) => /\{[{%#]/.test(p) && p.length > 4)) {
        expect({ file, found: rendered.includes(payload) }).toEqual({ file, found: false });
      }
    }
  });

  it('a generated DuckDB project matches every payload literally and runs none of it', async () => {
    const work = tempDir('injection');
    // The warehouse path itself holds Jinja: profiles.yml is rendered by dbt too.
    const warehouseDir = path.join(work, 'wh {{ 7 * 6 }}');
    fs.mkdirSync(warehouseDir);
    const database = path.join(warehouseDir, 'warehouse.duckdb');
    const events: EventRow[] = [];
    for (const payload of PAYLOADS) events.push(pageViewOf('u_payload', payload));
    events.push(pageViewOf('u_plain', 'plain title'));
    events.push(pageViewOf('u_plain', 'plain title'));
    const csv = path.join(work, 'events.csv');
    await writeEventsCsv(events, csv);
    await loadEventsCsv([csv], { database });

    const project = generateProject(view, { target: 'duckdb', vars });
    const projectDir = await writeProject(path.join(work, 'projects'), project);
    const { lines, log } = collectLog();
    const env = { SIGNALS_BATCH_DBT_PASSWORD: CANARY, SIGNALS_BATCH_INJECTION_CANARY: CANARY };
    Object.assign(process.env, env);
    try {
      const summary = await runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: database }, log });
      expect({ caughtUp: summary.caughtUp, lines }).toEqual({ caughtUp: true, lines });
      // --vars carries a payload as a top-level string, which dbt renders as Jinja unless it is inert.
      const again = await runUntilCaughtUp({
        projectDir,
        connection: { type: 'duckdb', path: database },
        vars: { snowplow__app_id: PAYLOADS[0] },
        log,
      });
      expect({ caughtUp: again.caughtUp, lines }).toEqual({ caughtUp: true, lines });
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }

    const rows = await queryDuckdb(database, `select * from main_derived.${project.tables.attributes} order by domain_userid`);
    const byUser = new Map(rows.map((r) => [r.domain_userid as string, r]));
    const payloadUser = byUser.get('u_payload') as Row;
    const plainUser = byUser.get('u_plain') as Row;
    PAYLOADS.forEach((payload, i) => {
      const cells = (r: Row) => ({
        payload,
        eq: Number(r[`eq_${i}`]),
        ne: Number(r[`ne_${i}`]),
        in: Number(r[`in_${i}`]),
        default: r[`default_${i}`],
      });
      // The payload user has one page view titled with each payload; the plain user has none.
      expect(cells(payloadUser)).toEqual({ payload, eq: 1, ne: PAYLOADS.length - 1, in: 1, default: payload });
      expect(cells(plainUser)).toEqual({ payload, eq: 0, ne: 2, in: 0, default: payload });
      expect(Number(payloadUser[`like_${i}`])).toBeGreaterThanOrEqual(1);
    });

    // No environment value reached any cell.
    expect(JSON.stringify(rows)).not.toContain(CANARY);
    // No table other than the project's and the events appeared.
    const tables = await queryDuckdb(
      database,
      `select table_schema || '.' || table_name as name from information_schema.tables order by 1`,
    );
    for (const { name } of tables)
      expect(String(name)).toMatch(/^(atomic\.events|main_(derived|scratch|snowplow_manifest)\.injection_1_\w+)$/);
  });

  it('refuses a property path holding anything but field names, before generating', () => {
    const attribute = {
      name: 'odd',
      type: 'string',
      aggregation: 'last',
      events: [pageView()],
      property: entityField('com.acme', 'holder', 1, `$.${PAYLOADS[1]}`),
    };
    expect(() => parseView({ name: 'odd', attributeKey: { name: 'domain_userid' }, attributes: [attribute] })).toThrow(
      /path .* must be field names/,
    );
  });

  it('refuses a dbt profile name that is not a plain name before writing anything', () => {
    for (const profile of ['x\nmodels: {}', "{{ env_var('HOME') }}", 'has space']) {
      expect(() => generateProject(view, { target: 'duckdb', vars, profile })).toThrow(/dbt profile name .* is not valid/);
    }
  });
});
