import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints the closing `N passed, N failed` line that CI reads. A test that did not run because a
 * hook of its file failed (vitest marks it skipped) counts as failed, and so does a file that failed
 * with no failed test of its own (an error at import, in an `afterAll`): a red run never ends
 * "0 failed".
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      const moduleFailed = mod.state() === "failed";
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || moduleFailed) failedHere++;
        else skipped++;
      }
      if (moduleFailed && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
