/** Ajv options shared by the runtime compile and the build-time standalone compile. */
export const SCHEMA_OPTIONS = { allErrors: true, strict: true, verbose: true } as const;
