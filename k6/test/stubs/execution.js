// Mutable by the tests: vu.idInTest, vu.iterationInInstance, scenario.startTime.
const exec = {
  vu: { idInTest: 1, idInInstance: 1, iterationInInstance: 0, iterationInScenario: 0 },
  scenario: { name: 'default', executor: 'ramping-vus', startTime: 0, progress: 0 },
  instance: { currentTestRunDuration: 0 },
  test: { abort(reason) { throw new Error(`abort: ${reason}`); }, options: {} },
};
export const { vu, scenario, instance, test } = exec;
export default exec;
