import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { MeshDocument } from '../../rules/mesh-spec.js';

/** What every semantic check gets: the document, where a path is in the file, and where to report. */
export interface Context {
  document: MeshDocument;
  at: (path: YamlPath, which?: 'value' | 'key') => Pick<Diagnostic, 'file' | 'position'>;
  report: (d: Diagnostic) => void;
  /** today, from the Host's clock (end-of-life warnings); absent where no clock is given */
  today?: Date;
}

export type SemanticCheck = (context: Context) => void;
