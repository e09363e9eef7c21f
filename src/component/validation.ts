/**
 * zod building blocks of the component's argument schemas (shared by `args.ts` and the warehouse units),
 * and the error message form `field.path: message`.
 */
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value given directly, or as a Pulumi `Output`/promise (validated when it resolves). */
export function input<T extends z.ZodType>(schema: T) {
  return z.union([
    schema,
    z.custom<pulumi.Output<unknown>>((v) => pulumi.Output.isInstance(v) || v instanceof Promise, {
      error: 'expected a value or a Pulumi Output',
    }),
  ]);
}

export const nonEmpty = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} must not be empty`);

export const identifier = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(IDENTIFIER, `${what} must be letters, digits and underscores, not starting with a digit`);

/** A zod issue -> `field.path: message`. */
export function describeArgsIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    if (issue.code === 'unrecognized_keys') return `${where ? `${where}: ` : ''}unknown argument(s) ${issue.keys.join(', ')}`;
    return `${where ? `${where}: ` : ''}${issue.message}`;
  });
}
