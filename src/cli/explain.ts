import { explain } from '../diagnosis/index.js';
import { renderCatalogueList, renderExplanation } from '../report/index.js';
import { UsageError } from './usage-error.js';

/** `ftpdoctor explain --list`: one line per finding code with its title. */
export function explainList(): string {
  return renderCatalogueList();
}

/** `ftpdoctor explain CODE` (case and dashes do not matter); an unknown code is a usage error. */
export function explainCode(input: string): string {
  const entry = explain(input);
  if (!entry) throw new UsageError(`unknown finding code "${input}": see ftpdoctor explain --list`);
  return renderExplanation(entry);
}
