// A meshgen CLI process made ready before it is needed, for test/emit-kill.test.ts: it loads
// dist/cli.js (and the pipeline it imports lazily), runs one `build --check` of the workspace
// to warm up (it writes nothing), reports "ready", and on "go" runs `meshgen build` through
// the CLI's own main(), as dist/cli.js does, then exits. The test kills it with SIGKILL during
// that build: Node's startup and the compiler's warm-up are paid before "go", so kill delays
// spread over the build itself.
import { main } from '../../dist/cli.js';

await import('../../dist/pipeline.js');
const [mesh, out] = process.argv.slice(2);
const quiet = () => {};
await main(['build', mesh, '--out', out, '--check', '--quiet'], quiet, quiet);
process.send('ready');
process.on('message', async () => {
  const code = await main(['build', mesh, '--out', out, '--quiet'], quiet, quiet);
  process.exit(code);
});
