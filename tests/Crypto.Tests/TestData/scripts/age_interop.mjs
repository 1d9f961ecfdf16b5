// age-encryption (npm) as an independent age implementation.
//   node age_interop.mjs decrypt IN OUT AGE-SECRET-KEY-1...
//   node age_interop.mjs encrypt IN OUT age1... [age1...]
// Run with the working directory holding node_modules/age-encryption.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(process.cwd() + "/"));
const age = await import(pathToFileURL(require.resolve("age-encryption")).href);
const [mode, input, output, ...keys] = process.argv.slice(2);
const data = new Uint8Array(readFileSync(input));
if (mode === "decrypt") {
  const d = new age.Decrypter();
  for (const k of keys) d.addIdentity(k);
  writeFileSync(output, await d.decrypt(data, "uint8array"));
} else if (mode === "encrypt") {
  const e = new age.Encrypter();
  for (const k of keys) e.addRecipient(k);
  writeFileSync(output, await e.encrypt(data));
} else {
  throw new Error("mode must be decrypt or encrypt");
}
