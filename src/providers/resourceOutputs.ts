/**
 * The typed outputs of a dynamic resource, derived from its provider's state type so that each
 * output is written once: a resource declares them with an interface of the same name as its class
 * (declaration merging). Pulumi assigns every state field to the resource at construction.
 */
import type * as pulumi from '@pulumi/pulumi';

/** One read-only `Output` per field of `State` (optional fields give `Output<T | undefined>`). */
export type ResourceOutputs<State> = { readonly [Field in keyof State]-?: pulumi.Output<State[Field]> };

/**
 * A resource's properties for Pulumi: its inputs, and each of its outputs (every field of its
 * state, a list the compiler checks is complete) present even where no input sets it, so that
 * Pulumi gives the resource an `Output` for each.
 */
export function propertiesWithOutputs<State>(
  inputs: object,
  outputs: { readonly [Field in keyof State]-?: true },
): Record<string, unknown> {
  return { ...Object.fromEntries(Object.keys(outputs).map((output) => [output, undefined])), ...inputs };
}
