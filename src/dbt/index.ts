/**
 * Render a plan into the files of a self-contained dbt project. Pure and deterministic: the
 * same view and options give byte-identical files (sorted, no timestamps) and the same hash.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { type View } from '../definition';
import { planView, type Plan, type SourceColumn } from '../plan';
import { packageRoot } from '../paths';
import type { Dialect, Target } from './dialects/dialect';
import { dialectFor } from './dialects';
import { projectHash, writeProjectFiles } from './files';
import { attributeMatch, attributeValue, dailyAggregates, eventMatch, finalAggregate } from './sql';
import { resolveVars, varsForDbt, type ProjectVars } from './vars';

export { TARGETS, type Target, type Dialect } from './dialects/dialect';
export { dialectFor } from './dialects';
export { resolveVars, varsForDbt, DEFAULT_VARS, varsSchema, type ProjectVars } from './vars';
export { projectHash, writeProjectFiles, GENERATED_FOLDERS } from './files';

/** dbt profile names are YAML keys in profiles.yml: plain names only. */
const PROFILE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Bump when generated SQL changes meaning, so existing tables are rebuilt. */
export const GENERATOR_VERSION = '1';

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

const MODELS: Array<{ template: string; folder: 'scratch' | 'derived' | 'manifest' }> = [
  { template: 'run_limits', folder: 'scratch' },
  { template: 'events_this_run', folder: 'scratch' },
  { template: 'days_to_process', folder: 'scratch' },
  { template: 'key_dates_to_process', folder: 'scratch' },
  { template: 'attributes_this_run', folder: 'scratch' },
  { template: 'filtered_events', folder: 'derived' },
  { template: 'daily_aggregates', folder: 'derived' },
  { template: 'attributes', folder: 'derived' },
  { template: 'daily_aggregation_manifest', folder: 'manifest' },
  { template: 'incremental_manifest', folder: 'manifest' },
];

function environment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(packageRoot(), 'templates', 'project')), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: false,
    lstripBlocks: false,
    // dbt owns {{ }} and {% %}: the generator's own tags must not collide with them.
    tags: { blockStart: '<%', blockEnd: '%>', variableStart: '<$', variableEnd: '$>', commentStart: '<#', commentEnd: '#>' },
  });
  env.addFilter('jinjaExpr', (expr: string) => `{{ ${expr} }}`);
  env.addFilter('yaml', (value: unknown) => (value === null ? "''" : JSON.stringify(value)));
  return env;
}

function sourceSql(d: Dialect, s: SourceColumn): string {
  const value = d.sourceValue(s, 'events');
  if (s.origin === 'atomic') return value;
  // A self-describing column exists only once a loader has seen that schema.
  return `{% if '${s.column}' in columns %}${value}{% else %}cast(null as ${d.textType}){% endif %}`;
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
  const p = plan.project;
  const definitionHash = sha256(JSON.stringify({ generator: GENERATOR_VERSION, target: options.target, plan, timestampColumn })).slice(0, 16);

  const attributes = plan.attributes.map((a) => {
    const matchColumn = d.ident(`${a.name}__matches`);
    const valueColumn = d.ident(`${a.name}__value`);
    const value = attributeValue(d, plan, a, 'events');
    const window =
      a.periodDays === null
        ? 'true'
        : `event_date >= ${d.addDays('window_end', String(-a.periodDays))} and event_date < window_end`;
    return {
      name: a.name,
      column: d.ident(a.name),
      match: attributeMatch(d, plan, a, 'events'),
      matchColumn,
      value,
      valueColumn,
      daily: dailyAggregates(d, a, matchColumn, value === null ? null : valueColumn),
      final: finalAggregate(d, a, window),
    };
  });

  const context = {
    d,
    p,
    plan,
    vars: varsForDbt(vars),
    profile,
    definitionHash,
    keyColumn: d.ident(plan.keyColumn),
    timestampColumn: d.ident(timestampColumn),
    keyValue: d.asString(sourceSql(d, plan.keySource), plan.keySource.kind),
    sources: plan.sources.map((s) => ({ alias: d.ident(s.alias), sql: sourceSql(d, s) })),
    eventMatch: eventMatch(d, plan.events, 'events'),
    attributes,
    periods: plan.periods,
  };

  const env = environment();
  const render = (template: string) => env.render(template, context).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  const files: Record<string, string> = {
    'dbt_project.yml': render('dbt_project.yml'),
    'models/sources.yml': render('models/sources.yml'),
    'macros/signals_batch.sql': render('macros/signals_batch.sql'),
  };
  for (const m of MODELS) files[`models/${m.folder}/${p}_${m.template}.sql`] = render(`models/${m.template}.sql`);
  files['signals_batch.json'] =
    JSON.stringify(
      {
        generator: 'signals-batch',
        generatorVersion: GENERATOR_VERSION,
        project: p,
        target: options.target,
        definitionHash,
        keyColumn: plan.keyColumn,
        timestampColumn,
        attributeTable: `${p}_attributes`,
        view,
      },
      null,
      2,
    ) + '\n';

  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  const hash = projectHash(sorted);
  return {
    name: p,
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
      attributes: `${p}_attributes`,
      incrementalManifest: `${p}_incremental_manifest`,
      dailyAggregationManifest: `${p}_daily_aggregation_manifest`,
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
