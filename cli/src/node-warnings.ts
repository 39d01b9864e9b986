// Node 18 says "The Fetch API is an experimental feature" on the first request; the CLI relies on fetch on purpose
// (Node >= 18, no dependencies), so that one warning is not printed. Every other warning still is.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning as Error).name;
  if (type === 'ExperimentalWarning' && /fetch/i.test(text)) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;
