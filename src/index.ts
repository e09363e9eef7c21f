/**
 * signals-batch: declare Snowplow Signals batch attribute views in code.
 *
 * - the view definition: types, validation (`parseView`, `parseApiView`), builders (`pageView()`,
 *   `domainUserid`, `atomic()`, `entityField()`...);
 * - the dbt project generator (`generateProject`, `writeProject`);
 * - the Pulumi component `BatchAttributeView` and its arguments.
 */
export * from './definition';
export { generateProject, writeProject, resolveVars, DEFAULT_VARS, TARGETS, GENERATOR_VERSION } from './dbt';
export type { GenerateOptions, GeneratedProject, ProjectTables, ProjectVars, Target } from './dbt';
export * from './component';
export { AttributeGroupRegistration, type AttributeGroupRegistrationArgs } from './providers/attributeGroupRegistration';
export { BatchSourceRegistration, type BatchSourceRegistrationArgs } from './providers/batchSourceRegistration';
export { DbtProjectFiles, type DbtProjectFilesArgs } from './providers/dbtProjectFiles';
export { DbtRun, type DbtRunArgs } from './providers/dbtRun';
