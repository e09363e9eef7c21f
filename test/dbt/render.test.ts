/**
 * Rendering the dbt project (docs/design.md section 5): deterministic bytes and hash, every documented
 * variable present and used, no packages, escaped literals, quoted identifiers where needed, and
 * variables checked before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atomic, entityField, eventField, pageView, parseApiView, parseView, type View } from '../../src/definition';
import { DEFAULT_VARS, generateProject, writeProject } from '../../src/dbt';
import { sampleView } from '../../src/sample';
import { tempDir } from '../support/run';

// Per-test timeout of this file: it compiles generated projects with dbt.
jest.setTimeout(3 * 60_000);

const DOCUMENTED_VARS = [
  'snowplow__start_date',
  'snowplow__app_id',
  'snowplow__backfill_limit_days',
  'snowplow__late_event_lookback_days',
  'snowplow__min_late_events_to_process',
  'snowplow__allow_refresh',
  'snowplow__dev_target_name',
  'snowplow__databricks_catalog',
  'snowplow__atomic_schema',
  'snowplow__database',
  'snowplow__events_table',
  'snowplow__mock_current_day',
  'snowplow__include_current_day_in_windows',
];

const quoting: View = parseView({
  name: 'quoting',
  version: 1,
  attributeKey: { name: 'domain_userid' },
  attributes: [
    {
      name: 'select',
      type: 'int64',
      aggregation: 'counter',
      events: [pageView()],
      criteria: { all: [{ property: atomic('mkt_campaign'), operator: '=', value: "O'Brien -- x" }] },
    },
    {
      name: 'LastCountry',
      type: 'string',
      aggregation: 'last',
      events: [pageView()],
      property: atomic('geo_country'),
      criteria: {
        any: [
          { property: atomic('page_title'), operator: 'like', value: "it's -- 50%" },
          { property: atomic('page_title'), operator: 'like', value: "Tom's" },
        ],
      },
      defaultValue: "n/a'; drop table x; --",
    },
    {
      name: 'plain_name',
      type: 'string',
      aggregation: 'first',
      events: [pageView()],
      property: entityField('com.acme', 'user', 1, '$.plan'),
      criteria: { all: [{ property: eventField('com.acme', 'checkout', 1, '$.coupon'), operator: 'in', value: ["SAVE'10", 'X--Y'] }] },
    },
  ],
});

function allFiles(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else out[rel] = fs.readFileSync(path.join(dir, rel));
    }
  };
  walk('');
  return out;
}

const sqlOf = (files: Record<string, string>) =>
  Object.entries(files)
    .filter(([f]) => f.endsWith('.sql'))
    .map(([, c]) => c)
    .join('\n');

describe('deterministic output', () => {
  test('the same definition and options give byte-identical files and the same hash', async () => {
    const options = { target: 'duckdb' as const, vars: { snowplow__start_date: '2024-06-01' } };
    const a = generateProject(parseView(sampleView()), options);
    const b = generateProject(parseView(sampleView()), options);
    expect(b.files).toEqual(a.files);
    expect(b.hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    const dirA = await writeProject(tempDir('render-a'), a);
    const dirB = await writeProject(tempDir('render-b'), b);
    const bytesA = allFiles(dirA);
    expect(Object.keys(bytesA).sort()).toEqual(Object.keys(a.files).sort());
    expect(allFiles(dirB)).toEqual(bytesA);
    // no timestamps or run-specific values in the files
    // (the sample view's own timestamp default is data, not a run-specific value)
    const text = Object.values(a.files).join('\n').split('2000-01-01T00:00:00Z').join('');
    expect(text).not.toMatch(/20\d\d-\d\d-\d\dT|\b\d{10,13}\b/);
  });

  test('a change of definition or of options changes the hash', () => {
    const base = generateProject(parseView(sampleView()), { target: 'duckdb' });
    const renamed = sampleView();
    renamed.attributes[0] = { ...renamed.attributes[0], period: 'P3D' };
    expect(generateProject(parseView(renamed), { target: 'duckdb' }).hash).not.toBe(base.hash);
    expect(generateProject(parseView(sampleView()), { target: 'duckdb', vars: { snowplow__app_id: ['x'] } }).hash).not.toBe(base.hash);
    expect(generateProject(parseView(sampleView()), { target: 'duckdb', profile: 'other' }).hash).not.toBe(base.hash);
  });

  test('writing again replaces stale model files', async () => {
    const out = tempDir('render-stale');
    const dir = await writeProject(out, generateProject(quoting, { target: 'duckdb' }));
    fs.writeFileSync(path.join(dir, 'models', 'derived', 'stale.sql'), 'select 1');
    await writeProject(out, generateProject(quoting, { target: 'duckdb' }));
    expect(fs.existsSync(path.join(dir, 'models', 'derived', 'stale.sql'))).toBe(false);
  });
});

describe('project layout', () => {
  const project = generateProject(parseView(sampleView()), { target: 'duckdb' });

  test('one self-contained project named <name>_<version>, with no packages', () => {
    expect(project.name).toBe('sample_shop_users_1');
    const files = Object.keys(project.files);
    expect(files).not.toContain('packages.yml');
    expect(files).not.toContain('dependencies.yml');
    expect(files).toEqual(
      expect.arrayContaining([
        'dbt_project.yml',
        'macros/signals_batch.sql',
        'models/sources.yml',
        'models/derived/sample_shop_users_1_attributes.sql',
        'models/manifest/sample_shop_users_1_incremental_manifest.sql',
        'models/manifest/sample_shop_users_1_daily_aggregation_manifest.sql',
      ]),
    );
    expect(
      files.filter((f) => f.startsWith('models/') && f.endsWith('.sql')).every((f) => path.basename(f).startsWith('sample_shop_users_1_')),
    ).toBe(true);
    expect(project.files['dbt_project.yml']).toMatch(/^name: sample_shop_users_1$/m);
    expect(project.files['dbt_project.yml']).toMatch(/^profile: signals_batch$/m);
    expect(project.files['dbt_project.yml']).toMatch(/^require-dbt-version: \['>=1\.8\.0', '<2\.0\.0'\]$/m);
    // only dbt built-ins and the project's own macros
    expect(Object.values(project.files).join('\n')).not.toMatch(/dbt_utils|snowplow_utils|dbt_date/);
    expect(project.tables).toMatchObject({
      keyColumn: 'domain_userid',
      timestampColumn: 'updated_at',
      attributes: 'sample_shop_users_1_attributes',
    });
    const meta = JSON.parse(project.files['signals_batch.json']) as Record<string, unknown>;
    expect(meta).toMatchObject({ project: 'sample_shop_users_1', target: 'duckdb', attributeTable: 'sample_shop_users_1_attributes' });
  });

  test('every documented variable is in dbt_project.yml, with a comment, and used by the SQL', () => {
    const yml = project.files['dbt_project.yml'];
    const lines = yml.split('\n');
    const used = Object.entries(project.files)
      .filter(([f]) => f !== 'dbt_project.yml')
      .map(([, c]) => c)
      .join('\n');
    for (const name of [...DOCUMENTED_VARS, ...Object.keys(DEFAULT_VARS)]) {
      const at = lines.findIndex((l) => l.startsWith(`  ${name}: `));
      expect({ name, present: at > 0 }).toEqual({ name, present: true });
      expect({ name, comment: lines[at - 1].trim().startsWith('#') }).toEqual({ name, comment: true });
      expect({ name, used: used.includes(`var('${name}'`) }).toEqual({ name, used: true });
    }
  });

  test('option values are written as the variable defaults', () => {
    const p = generateProject(parseView(sampleView()), {
      target: 'duckdb',
      vars: {
        snowplow__start_date: '2024-06-01',
        snowplow__app_id: ['web', "o'neil"],
        snowplow__mock_current_day: '2024-07-01',
        snowplow__backfill_limit_days: 7,
      },
    });
    const yml = p.files['dbt_project.yml'];
    expect(yml).toContain('  snowplow__start_date: "2024-06-01"\n');
    expect(yml).toContain(`  snowplow__app_id: ["web","o'neil"]\n`);
    expect(yml).toContain('  snowplow__mock_current_day: "2024-07-01"\n');
    expect(yml).toContain('  snowplow__backfill_limit_days: 7\n');
    expect(yml).toContain("  snowplow__database: ''\n");
  });

  test('unknown or ill-typed variables are rejected, naming them', () => {
    const view = parseView(sampleView());
    expect(() => generateProject(view, { target: 'duckdb', vars: { snowplow__nope: 1 } })).toThrow(/unknown variable "snowplow__nope"/);
    expect(() => generateProject(view, { target: 'duckdb', vars: { snowplow__backfill_limit_days: 0 } })).toThrow(
      /snowplow__backfill_limit_days/,
    );
    expect(() => generateProject(view, { target: 'duckdb', vars: { snowplow__start_date: 'yesterday' } })).toThrow(
      /snowplow__start_date: "yesterday" is not a calendar date YYYY-MM-DD/,
    );
    expect(() => generateProject(view, { target: 'duckdb', vars: { snowplow__allow_refresh: 'yes' } })).toThrow(/snowplow__allow_refresh/);
  });

  test('an attribute named like the sync timestamp column is rejected', () => {
    const v = sampleView();
    v.attributes[0] = { ...v.attributes[0], name: 'updated_at' };
    expect(() => generateProject(parseView(v), { target: 'duckdb' })).toThrow(
      /attribute "updated_at" clashes with the sync timestamp column/,
    );
    expect(generateProject(parseView(v), { target: 'duckdb', timestampColumn: 'synced_at' }).tables.timestampColumn).toBe('synced_at');
  });
});

describe('SQL text', () => {
  const project = generateProject(quoting, { target: 'duckdb' });
  const sql = sqlOf(project.files);

  test("literals are escaped: O'Brien -- x renders as 'O''Brien -- x'", () => {
    expect(sql).toContain("= 'O''Brien -- x'");
    // like without % or _ means "contains"; with them it is used as given
    expect(sql).toContain("like '%Tom''s%'");
    expect(sql).toContain("like 'it''s -- 50%'");
    expect(sql).toContain("in ('SAVE''10', 'X--Y')");
    expect(sql).toContain("cast('n/a''; drop table x; --' as varchar)");
    // no user text pasted unescaped
    expect(sql.replace(/''/g, '')).not.toMatch(/O'Brien|Tom's|it's|SAVE'10|n\/a'/);
  });

  test('identifiers are quoted when reserved or not lower case, and only then', () => {
    expect(sql).toContain('as "select"');
    expect(sql).toContain('recomputed."LastCountry"');
    expect(sql).toContain('"LastCountry__last"');
    expect(sql).toContain(' as plain_name');
    expect(sql).not.toContain('"plain_name"');
    // outside comments, the mixed-case name never appears unquoted
    const code = sql.replace(/--[^\n]*/g, '');
    expect(code).not.toMatch(/[^"]\bLastCountry\b[^"_]/);
  });

  test('criteria NULL semantics: "=" false on NULL, "!=" true on NULL', () => {
    const s = sqlOf(generateProject(parseView(sampleView()), { target: 'duckdb' }).files);
    expect(s).toMatch(/coalesce\([^\n]*p\d\d_mkt_medium <> 'internal', true\)/);
    expect(s).toMatch(/coalesce\([^\n]*= 'Phone', false\)/);
    expect(s).toMatch(/coalesce\(cast\([^\n]*se_value as double\) < 10, false\)/);
    expect(s).toMatch(/coalesce\(cast\([^\n]*domain_sessionidx as double\) in \(1, 2\), false\)/);
  });

  test('self-describing columns are read only when the events table has them', () => {
    const events = project.files['models/scratch/quoting_1_events_this_run.sql'];
    expect(events).toContain(
      `{% if 'contexts_com_acme_user_1' in columns %}json_extract_string(events.contexts_com_acme_user_1, '$[0]."plan"'){% else %}cast(null as varchar){% endif %}`,
    );
    expect(events).toContain(
      `{% if 'unstruct_event_com_acme_checkout_1' in columns %}json_extract_string(events.unstruct_event_com_acme_checkout_1, '$."coupon"')`,
    );
  });

  test('attributes that count the same events, or take the same value, share one column of events_this_run', () => {
    const sharing = parseView({
      name: 'sharing',
      version: 1,
      attributeKey: { name: 'domain_userid' },
      attributes: [
        { name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] },
        { name: 'views_7d', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'P7D' },
        { name: 'last_country', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('geo_country') },
        { name: 'first_country', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('geo_country') },
      ],
    });
    const files = generateProject(sharing, { target: 'duckdb' }).files;
    const events = files['models/scratch/sharing_1_events_this_run.sql'];
    // one match column for the four attributes, one value column for the two countries
    expect(events).toContain('-- views, views_7d, last_country, first_country\n');
    expect(events).toContain('-- last_country, first_country\n');
    expect(events.match(/\bas \w+__(matches|value)\b/g)).toEqual(['as views__matches', 'as last_country__value']);
    // the partials read the shared columns
    expect(files['models/derived/sharing_1_daily_aggregates.sql']).not.toMatch(/views_7d__matches|first_country__value/);
    expect(files['models/derived/sharing_1_daily_aggregates.sql']).toContain('events.last_country__value');
  });

  test('per-value attributes with the same events and values share a value set; only a set a lifetime attribute reads folds aged days', () => {
    const sharing = parseView({
      name: 'value_sharing',
      version: 1,
      attributeKey: { name: 'domain_userid' },
      attributes: [
        { name: 'countries', type: 'dict', aggregation: 'category_count', events: [pageView()], property: atomic('geo_country') },
        {
          name: 'top_country_7d',
          type: 'string',
          aggregation: 'most_frequent',
          events: [pageView()],
          property: atomic('geo_country'),
          period: 'P7D',
        },
        {
          name: 'cities_30d',
          type: 'string_list',
          aggregation: 'unique_list',
          events: [pageView()],
          property: atomic('geo_city'),
          period: 'P30D',
        },
      ],
    });
    const files = generateProject(sharing, { target: 'duckdb' }).files;
    const values = files['models/derived/value_sharing_1_daily_values.sql'];
    expect(values).toContain('-- v01: countries, top_country_7d\n');
    expect(values).toContain('-- v02: cities_30d\n');
    expect(values.match(/'v0\d' as value_set/g)).toEqual(["'v01' as value_set", "'v02' as value_set"]);
    // the cities of days past the rollup boundary are in none of the 30-day windows: dropped, not folded
    expect(values).toContain("and stored.value_set in ('v01')");
    expect(values.split("'v02' as value_set")[1]).toContain('and events.event_date >= run_limits.rollup_before');
    // each attribute reads its set in its own window
    const reads = files['models/scratch/value_sharing_1_attributes_this_run.sql'];
    expect(reads).toContain("select 'a01' as attribute, 'v01' as value_set, cast(null as date) as window_start");
    expect(reads).toContain(
      "select 'a02' as attribute, 'v01' as value_set, cast(run_limits.window_end + cast(-7 as integer) as date) as window_start",
    );
  });

  test('the API form of a view renders the same project as its TypeScript form', () => {
    const json = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'views', 'shop_view.api.json'), 'utf8')) as unknown;
    const fromApi = generateProject(parseApiView(json), { target: 'duckdb' });
    const camel = JSON.parse(
      JSON.stringify(json)
        .replace(/"attribute_key"/g, '"attributeKey"')
        .replace(/"major_version"/g, '"majorVersion"')
        .replace(/"default_value"/g, '"defaultValue"'),
    ) as unknown;
    expect(generateProject(parseView(camel), { target: 'duckdb' }).hash).toBe(fromApi.hash);
  });
});
