/**
 * The component's argument reference lives once, in docs/component.md: every field of each Args
 * interface (read from the source with the TypeScript compiler, TSDoc included) has a row in its
 * table there, and the table lists no field the interface lacks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const docs = fs.readFileSync(path.join(root, 'docs', 'component.md'), 'utf8');

/** The fields of an exported interface, each with whether it carries TSDoc. */
function interfaceFields(file: string, name: string): Array<{ field: string; documented: boolean }> {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!found) throw new Error(`${name} is not declared in ${file}`);
  return found.members.filter(ts.isPropertySignature).map((m) => ({
    field: m.name.getText(source),
    documented: ts.getJSDocCommentsAndTags(m).length > 0,
  }));
}

/** The first-column names of the table under the heading that mentions `name`. */
function documentedFields(name: string): string[] {
  const heading = docs.split('\n').findIndex((line) => /^#{2,4} /.test(line) && line.includes(`\`${name}\``));
  if (heading < 0) throw new Error(`docs/component.md has no heading naming \`${name}\``);
  const rest = docs.split('\n').slice(heading + 1);
  const end = rest.findIndex((line) => /^#{1,4} /.test(line));
  return rest
    .slice(0, end < 0 ? undefined : end)
    .map((line) => /^\| `([A-Za-z]+)` \|/.exec(line)?.[1])
    .filter((f): f is string => f !== undefined);
}

describe.each([
  ['src/component/args.ts', 'BatchAttributeViewArgs'],
  ['src/component/args.ts', 'DbtArgs'],
  ['src/component/warehouses/duckdb.ts', 'DuckdbWarehouseArgs'],
  ['src/component/warehouses/snowflake.ts', 'SnowflakeWarehouseArgs'],
  ['src/component/warehouses/bigquery.ts', 'BigqueryWarehouseArgs'],
  ['src/component/warehouses/databricks.ts', 'DatabricksWarehouseArgs'],
])('%s %s', (file, name) => {
  const fields = interfaceFields(file, name);

  test('every field carries TSDoc', () => {
    expect(fields.filter((f) => !f.documented).map((f) => f.field)).toEqual([]);
  });

  test('docs/component.md documents exactly its fields', () => {
    expect(documentedFields(name).sort()).toEqual(fields.map((f) => f.field).sort());
  });
});
