// Mocha reporter: the usual spec output, then one machine-readable line
//   ELIXIR_AGENT_RESULT passed=N failed=N pending=N
// that scripts/test-all.sh counts. Failures include failed hooks.
'use strict';
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      // After the spec epilogue (which also listens to the end event).
      process.nextTick(() => console.log(`ELIXIR_AGENT_RESULT passed=${s.passes} failed=${s.failures} pending=${s.pending}`));
    });
  }
}

module.exports = SummaryReporter;
