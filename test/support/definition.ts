/** Helpers of the view-definition tests. */
import { ViewValidationError } from '../../src/definition';

/** The message with which `parse` refuses its view (fails the test when the view is accepted). */
export function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ViewValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the view to be refused');
}
