// Build step: compiles schemas/mesh.schema.json into a standalone validator module, so the
// CLI does not pay for compiling the schema on every run (about 100 ms).
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { SCHEMA_OPTIONS } from '../dist/validate/schema-options.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/mesh.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ ...SCHEMA_OPTIONS, code: { source: true } });
const validate = ajv.compile(schema);
writeFileSync(new URL('../dist/validate/mesh-schema-validator.cjs', import.meta.url), standaloneCode.default(ajv, validate));
