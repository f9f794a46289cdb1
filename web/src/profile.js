// Rule profiles arrive as TOML (the documented, commented format) or JSON. The
// engine in the browser reads JSON only — its TOML parser is left out of the
// WebAssembly to keep it small — so TOML is converted here with smol-toml.
import { parse, TomlError } from 'smol-toml';

/**
 * The profile text to hand to the engine: built-in names and JSON pass
 * through; TOML becomes JSON. Throws an Error naming the file and the line.
 */
export function profileForEngine(text, fileName = 'profile.toml') {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed.startsWith('{') || !/[\n=]/.test(trimmed)) return text ?? '';
  try {
    return JSON.stringify(parse(text));
  } catch (e) {
    const where = e instanceof TomlError ? ` (line ${e.line}, column ${e.column})` : '';
    const err = new Error(`${fileName}: not valid TOML${where}: ${String(e.message).split('\n')[0]}`);
    err.name = 'ProfileError';
    throw err;
  }
}
