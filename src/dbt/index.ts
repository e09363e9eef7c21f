/**
 * Render a plan into the files of a self-contained dbt project. Pure and deterministic: the
 * same view and options give byte-identical files (sorted, no timestamps) and the same hash.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { type View } from '../definition';
import { planView, type Plan } from '../plan';
import { packageRoot } from '../paths';
import { jinjaInert } from './dialects/dialect';
import type { Target } from './dialects';
import { describeAttribute } from './describe';
import { dialectFor } from './dialects';
import { projectHash, writeProjectFiles } from './files';
import {
  attributeMatch,
  attributeValue,
  combinedPartials,
  eventMatch,
  eventPartials,
  finalAggregate,
  finalValueSet,
  projectedValue,
  valueSetOutput,
  valueText,
} from './sql';
import { resolveVars, varsForDbt, type ProjectVars } from './vars';

export { type Dialect } from './dialects/dialect';
export { TARGETS, type Target } from './dialects';
export { dialectFor } from './dialects';
export { resolveVars, varsForDbt, DEFAULT_VARS, varsSchema, type ProjectVars } from './vars';
export { projectHash, writeProjectFiles, GENERATED_FOLDERS } from './files';

/** dbt profile names are YAML keys in profiles.yml: plain names only. */
const PROFILE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Bump when generated SQL changes meaning or the shape of a table kept between runs, so existing
 * tables are rebuilt (the run stops with a clear error until they are). 2: daily_values keeps rows
 * per value set, not per attribute.
 */
export const GENERATOR_VERSION = '2';

export interface GenerateOptions {
  target: Target;
  /** dbt variable overrides (names as in dbt_project.yml). */
  vars?: Record<string, unknown>;
  /** dbt profile name (default `signals_batch`). */
  profile?: string;
  /** The sync timestamp column of the attribute table (default `updated_at`). */
  timestampColumn?: string;
}

export interface GeneratedProject {
  /** Project and directory name, `<name>_<version>`. */
  name: string;
  /** Relative path -> content, sorted by path. */
  files: Record<string, string>;
  /** sha256 over every path and content. */
  hash: string;
  /** What the tables are computed from: it changes when the view's meaning does, not with vars or profile. */
  definitionHash: string;
  /** What the generated tables are called (relative to the target schema). */
  tables: ProjectTables;
  plan: Plan;
}

export interface ProjectTables {
  keyColumn: string;
  timestampColumn: string;
  /** dbt custom schema suffixes: the warehouse schemas are `<target schema>_<suffix>`. */
  derivedSchemaSuffix: 'derived';
  scratchSchemaSuffix: 'scratch';
  manifestSchemaSuffix: 'snowplow_manifest';
  /** The synced attribute table, `<name>_<version>_attributes`. */
  attributes: string;
  incrementalManifest: string;
  dailyAggregationManifest: string;
}

/** The generated models, by folder (each folder's config is set once in dbt_project.yml). */
const MODELS: Array<{ template: string; folder: 'scratch' | 'derived' | 'manifest'; when?: (plan: Plan) => boolean }> = [
  { template: 'run_limits', folder: 'scratch' },
  { template: 'events_this_run', folder: 'scratch' },
  { template: 'attributes_this_run', folder: 'scratch' },
  { template: 'deferred_events', folder: 'derived' },
  { template: 'daily_aggregates', folder: 'derived' },
  { template: 'daily_values', folder: 'derived', when: (plan) => plan.hasValueSets },
  { template: 'attributes', folder: 'derived' },
  { template: 'daily_aggregation_manifest', folder: 'manifest' },
  { template: 'incremental_manifest', folder: 'manifest' },
];

/** The date of each key's rollup row in the partials tables: before any real event date. */
const ROLLUP_DATE = '0001-01-01';

function environment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(packageRoot(), 'templates')), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: false,
    lstripBlocks: false,
    // dbt owns {{ }} and {% %}: the generator's own tags must not collide with them.
    tags: { blockStart: '<%', blockEnd: '%>', variableStart: '<$', variableEnd: '$>', commentStart: '<#', commentEnd: '#>' },
  });
  env.addFilter('jinjaExpr', (expr: string) => `{{ ${expr} }}`);
  env.addFilter('yaml', (value: unknown) => (value === null ? "''" : JSON.stringify(value)));
  // free text in YAML that dbt renders: a JSON string, inert to Jinja
  env.addFilter('yamlText', (text: string) => JSON.stringify(jinjaInert(text)));
  return env;
}

/** `sql` with its NUL placeholder replaced by a Jinja call, as a Jinja string expression. */
function jinjaAround(sql: string, call: string): string {
  const [before, after] = sql.split('\u0000');
  return `${JSON.stringify(before)} ~ ${call} ~ ${JSON.stringify(after)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Generate the dbt project of one view version for one target. */
export function generateProject(view: View, options: GenerateOptions): GeneratedProject {
  const d = dialectFor(options.target);
  const plan = planView(view);
  const vars: ProjectVars = resolveVars(options.vars);
  const profile = options.profile ?? 'signals_batch';
  if (!PROFILE_NAME.test(profile)) {
    throw new Error(`dbt profile name ${JSON.stringify(profile)} is not valid: use letters, digits and underscores (e.g. signals_batch)`);
  }
  const timestampColumn = options.timestampColumn ?? 'updated_at';
  if (plan.attributes.some((a) => a.name.toLowerCase() === timestampColumn.toLowerCase())) {
    throw new Error(`attribute "${timestampColumn}" clashes with the sync timestamp column; rename it or pick another timestampColumn`);
  }
  const project = plan.project;
  // Descriptions only document the tables: changing one must not ask for a rebuild from history.
  const computed = { ...plan, attributes: plan.attributes.map((a) => ({ ...a, description: null })) };
  const definitionHash = sha256(
    JSON.stringify({ generator: GENERATOR_VERSION, target: options.target, plan: computed, timestampColumn }),
  ).slice(0, 16);
  const dialect = d;
  const sentinel = d.dateLiteral(ROLLUP_DATE);
  const maxPeriod = plan.periods.length === 0 ? 0 : plan.periods[plan.periods.length - 1];
  const withSlack = d.addDays('new_attempt.window_end', `-${maxPeriod} - {{ var('snowplow__late_event_lookback_days') }}`);
  // Derived where first, last and latest values are compared, not stored with each event: a long
  // string per event is the widest column events_this_run would otherwise write.
  const eventOrderKey = d.orderKey('events.derived_tstamp', 'events.event_id');

  // Attributes whose events, or whose values, are the same expression share one column of
  // events_this_run (named after the first of them): many attributes count the same events.
  const columnsBySql = new Map<string, { column: string; sql: string; usedBy: string[] }>();
  const eventAttributeColumn = (sql: string, name: string, attribute: string) =>
    sharedBy(columnsBySql, sql, attribute, () => ({ column: d.ident(name), sql, usedBy: [] })).column;

  const attributes = plan.attributes.map((a) => {
    const match = attributeMatch(d, plan, a, 'events');
    const value = attributeValue(d, plan, a, 'events');
    const matchColumn = eventAttributeColumn(match, `${a.name}__matches`, a.name);
    const valueColumn = value === null ? null : eventAttributeColumn(value, `${a.name}__value`, a.name);
    const window = (date: string, end: string) =>
      a.periodDays === null ? 'true' : `${date} >= ${d.addDays(end, String(-a.periodDays))} and ${date} < ${end}`;
    const column = d.ident(a.name);
    return {
      name: a.name,
      code: a.code,
      type: a.type,
      column,
      valueSet: a.valueSet,
      matchColumn,
      valueColumn,
      eventPartials: eventPartials(
        d,
        a,
        `events.${matchColumn}`,
        valueColumn === null ? null : `events.${valueColumn}`,
        eventOrderKey,
        'events.derived_tstamp',
      ),
      combined: combinedPartials(d, a),
      final: a.valueSet ? null : finalAggregate(d, a, window('event_date', 'window_end'), 'window_end'),
      valueText: a.valueSet ? valueText(d, a, `events.${valueColumn}`) : null,
      // where the attribute's window starts when reading stored rows (none: lifetime)
      windowStart: a.periodDays === null ? null : d.addDays('run_limits.window_end', String(-a.periodDays)),
      finalValueSet: a.valueSet ? finalValueSet(d, a, `attribute = ${d.stringLiteral(a.code)}`) : null,
      outputSql: a.valueSet ? valueSetOutput(d, a, `value_set_attributes.${column}`) : `scalar_attributes.${column}`,
      description: describeAttribute(a),
      quoted: column !== a.name,
    };
  });
  const eventAttributeColumns = [...columnsBySql.values()];

  // Per-value attributes that count the same events with the same value share their value rows in
  // daily_values, each reading them in its own window; the rows of days older than the rollup
  // boundary are kept (in the rollup row) only for a set a lifetime attribute reads.
  type ValueSet = { code: string; matchColumn: string; valueColumn: string; valueText: string; usedBy: string[]; keepsRollup: boolean };
  const valueSetsByRows = new Map<string, ValueSet>();
  const attributeValueSets = attributes
    .filter((a) => a.valueSet)
    .map((a) => {
      const set = sharedBy(valueSetsByRows, [a.matchColumn, a.valueColumn, a.valueText].join('\u0000'), a.name, () => ({
        code: `v${String(valueSetsByRows.size + 1).padStart(2, '0')}`,
        matchColumn: a.matchColumn,
        valueColumn: a.valueColumn as string,
        valueText: a.valueText as string,
        usedBy: [],
        keepsRollup: false,
      }));
      set.keepsRollup ||= a.windowStart === null;
      return { attribute: a.code, valueSet: set.code, windowStart: a.windowStart ?? 'cast(null as date)' };
    });
  const valueSets = [...valueSetsByRows.values()];
  const rollupValueSets = valueSets.filter((v) => v.keepsRollup).map((v) => d.stringLiteral(v.code));
  const eventColumns = [
    'event_id',
    'key_value',
    'event_date',
    'derived_tstamp',
    'load_tstamp',
    'load_delay_days',
    ...eventAttributeColumns.map((c) => c.column),
  ];

  const context = {
    dialect,
    project,
    plan,
    vars: varsForDbt(vars),
    profile,
    definitionHash,
    keyColumn: d.ident(plan.keyColumn),
    timestampColumn: d.ident(timestampColumn),
    keyValue: d.asString(projectedValue(d, plan.keySource, 'events'), plan.keySource.kind),
    sources: plan.sources.map((s) => ({ alias: d.ident(s.alias), sql: projectedValue(d, s, 'events') })),
    eventMatch: eventMatch(d, plan.events, 'events'),
    eventOrderKey,
    eventAttributeColumns,
    attributes,
    scalarAttributes: attributes.filter((a) => !a.valueSet),
    valueSetAttributes: attributes.filter((a) => a.valueSet),
    valueSets,
    attributeValueSets,
    // which aged value rows fold into the rollup row: those of sets a lifetime attribute reads
    valueRowsKeptInRollup: rollupValueSets.length > 0 ? `stored.value_set in (${rollupValueSets.join(', ')})` : 'false',
    valueSetNames: attributes
      .filter((a) => a.valueSet)
      .map((a) => a.name)
      .join(', '),
    hasValueSets: plan.hasValueSets,
    partialColumns: plan.attributes.flatMap((a) => a.dailyColumns.map((c) => d.ident(c.name))),
    eventColumns,
    periods: plan.periods,
    rollupDate: ROLLUP_DATE,
    keyQuoted: d.ident(plan.keyColumn) !== plan.keyColumn,
    timestampName: timestampColumn,
    timestampQuoted: d.ident(timestampColumn) !== timestampColumn,
    attributesDescription: `The table Signals syncs for ${plan.viewName} version ${plan.viewVersion}: one row per ${plan.keyColumn}, one column per attribute.`,
    sentinel,
    // a Jinja expression: the SQL of the first day the longest window needs
    earliestWindowStart: jinjaAround(d.addDays('\u0000', `-${maxPeriod}`), 'signals_batch_window_end()'),
    // Days before it were outside every window at the last run's end and at this one's, so folding
    // them never hides a day that enters or leaves a window now.
    rollupCandidate:
      `case when new_attempt.previous_window_end is null then ${withSlack} ` +
      `else least(${withSlack}, ${d.addDays('least(new_attempt.previous_window_end, new_attempt.window_end)', `-${maxPeriod}`)}) end`,
  };

  const env = environment();
  const render = (template: string) =>
    env
      .render(template, context)
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n';
  const files: Record<string, string> = {
    'dbt_project.yml': render('project/dbt_project.yml'),
    'models/sources.yml': render('project/models/sources.yml'),
    'macros/signals_batch.sql': render('project/macros/signals_batch.sql'),
    'models/scratch/_scratch.yml': render('project/models/_scratch.yml'),
    'models/derived/_derived.yml': render('project/models/_derived.yml'),
    'models/manifest/_manifest.yml': render('project/models/_manifest.yml'),
  };
  for (const m of MODELS) {
    if (!m.when || m.when(plan)) files[`models/${m.folder}/${project}_${m.template}.sql`] = render(`project/models/${m.template}.sql`);
  }
  files['signals_batch.json'] =
    JSON.stringify(
      {
        generator: 'signals-batch',
        generatorVersion: GENERATOR_VERSION,
        project,
        target: options.target,
        definitionHash,
        keyColumn: plan.keyColumn,
        timestampColumn,
        attributeTable: `${project}_attributes`,
        view,
      },
      null,
      2,
    ) + '\n';

  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  const hash = projectHash(sorted);
  return {
    name: project,
    files: sorted,
    hash,
    definitionHash,
    plan,
    tables: {
      keyColumn: plan.keyColumn,
      timestampColumn,
      derivedSchemaSuffix: 'derived',
      scratchSchemaSuffix: 'scratch',
      manifestSchemaSuffix: 'snowplow_manifest',
      attributes: `${project}_attributes`,
      incrementalManifest: `${project}_incremental_manifest`,
      dailyAggregationManifest: `${project}_daily_aggregation_manifest`,
    },
  };
}

/**
 * Write a project under `outDir/<name>/`, replacing generated files and removing stale ones
 * (dbt's `target/` and `logs/` are kept). Returns the project directory.
 */
export async function writeProject(outDir: string, project: Pick<GeneratedProject, 'name' | 'files'>): Promise<string> {
  const dir = path.join(outDir, project.name);
  await writeProjectFiles(dir, project.files);
  return dir;
}

/**
 * The entry of `map` under `key`, created by `create` for its first user: what several attributes
 * share (a column of events_this_run, a value set) is named after the first and lists them all.
 */
function sharedBy<T extends { usedBy: string[] }>(map: Map<string, T>, key: string, user: string, create: () => T): T {
  const shared = map.get(key) ?? create();
  map.set(key, shared);
  shared.usedBy.push(user);
  return shared;
}
